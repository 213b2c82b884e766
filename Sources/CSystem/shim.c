#define _GNU_SOURCE
#include "CSystem.h"
#include <pthread.h>
#include <sched.h>

uint32_t CSystem_EPOLLIN(void) { return (uint32_t)EPOLLIN; }
uint32_t CSystem_EPOLLOUT(void) { return (uint32_t)EPOLLOUT; }
uint32_t CSystem_EPOLLERR(void) { return (uint32_t)EPOLLERR; }
uint32_t CSystem_EPOLLHUP(void) { return (uint32_t)EPOLLHUP; }
uint32_t CSystem_EPOLLRDHUP(void) { return (uint32_t)EPOLLRDHUP; }
uint32_t CSystem_EPOLLET(void) { return (uint32_t)EPOLLET; }

int CSystem_errno(void) { return errno; }

int CSystem_accept_nonblocking(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int CSystem_socket_stream_nonblocking(int family) {
    return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int CSystem_block_signal(int signo) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

uint64_t CSystem_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t CSystem_realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int CSystem_set_nonblocking(int fd, int nonblocking) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, nonblocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK));
}

void CSystem_set_thread_name(const char *name) {
    char shortened[16];
    strncpy(shortened, name, 15);
    shortened[15] = 0;
    pthread_setname_np(pthread_self(), shortened);
}

int CSystem_available_cpus(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    return CPU_COUNT(&set);
}
