// CSystem: the C surface ffrtmp needs from Linux, imported into Swift as one module.
// Headers are included directly; shim.c only wraps macros and constants Swift cannot import.
#ifndef CSYSTEM_H
#define CSYSTEM_H

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/// EPOLLET and EPOLLRDHUP as unsigned values (Swift imports some of them with the wrong sign).
uint32_t CSystem_EPOLLIN(void);
uint32_t CSystem_EPOLLOUT(void);
uint32_t CSystem_EPOLLERR(void);
uint32_t CSystem_EPOLLHUP(void);
uint32_t CSystem_EPOLLRDHUP(void);
uint32_t CSystem_EPOLLET(void);

/// The errno of the calling thread.
int CSystem_errno(void);

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC.
int CSystem_accept_nonblocking(int fd, struct sockaddr *addr, socklen_t *len);

/// socket() of the given family with SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC.
int CSystem_socket_stream_nonblocking(int family);

/// Sets or clears O_NONBLOCK (fcntl is variadic, which Swift cannot call).
int CSystem_set_nonblocking(int fd, int nonblocking);

/// Blocks the given signal in the calling thread (and threads it creates afterwards).
int CSystem_block_signal(int signo);

/// Names the calling thread (Linux keeps 15 characters).
void CSystem_set_thread_name(const char *name);

/// CPUs this process may run on (sched_getaffinity), or 0 when unknown.
int CSystem_available_cpus(void);

/// Monotonic clock in nanoseconds.
uint64_t CSystem_monotonic_ns(void);

/// Wall clock in nanoseconds since the Unix epoch.
uint64_t CSystem_realtime_ns(void);

#endif
