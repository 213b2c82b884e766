// Functions for the OpenSSL macros, variadic and type-generic calls that Swift cannot import.
#include "COpenSSL.h"

int COpenSSL_setMinimumProtocolVersion(SSL_CTX *context, int version) {
    return (int)SSL_CTX_set_min_proto_version(context, version);
}

int COpenSSL_setMaximumProtocolVersion(SSL_CTX *context, int version) {
    return (int)SSL_CTX_set_max_proto_version(context, version);
}

int COpenSSL_setGroups(SSL_CTX *context, const char *groups) {
    return (int)SSL_CTX_set1_groups_list(context, groups);
}

void COpenSSL_disableSessionCache(SSL_CTX *context) {
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
}

void COpenSSL_setMaximumCertificateListSize(SSL_CTX *context, long bytes) {
    SSL_CTX_set_max_cert_list(context, bytes);
}

void COpenSSL_releaseIdleBuffers(SSL_CTX *context) {
    SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS);
}

void COpenSSL_enableServerSessionCache(SSL_CTX *context, long size) {
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_cache_size(context, size);
}

long COpenSSL_cachedSessionCount(SSL_CTX *context) {
    return SSL_CTX_sess_number(context);
}

uint64_t COpenSSL_hardeningOptions(void) {
    return SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE;
}

int COpenSSL_noPassphrase(char *buffer, int size, int writing, void *data) {
    (void)buffer;
    (void)size;
    (void)writing;
    (void)data;
    return 0;
}

void COpenSSL_refusePassphrases(SSL_CTX *context) {
    SSL_CTX_set_default_passwd_cb(context, COpenSSL_noPassphrase);
}

int COpenSSL_setServerNameIndication(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

void COpenSSL_setMemoryEndOfFileReturn(BIO *bio, int value) {
    BIO_set_mem_eof_return(bio, value);
}

long COpenSSL_memoryData(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

int COpenSSL_memorySkip(BIO *bio, long count) {
    // For a read-write memory BIO, BIO_tell is the offset of the read position in the buffer and
    // BIO_seek moves it: the skipped bytes are dropped without a copy (the next write compacts).
    long position = BIO_tell(bio);
    if (position < 0) return 0;
    return BIO_seek(bio, position + count) >= 0 ? 1 : 0;
}

long COpenSSL_memoryCapacity(BIO *bio) {
    BUF_MEM *memory = NULL;
    if (BIO_get_mem_ptr(bio, &memory) <= 0 || memory == NULL) return -1;
    return (long)memory->max;
}

void COpenSSL_free(void *pointer) {
    OPENSSL_free(pointer);
}

EVP_PKEY *COpenSSL_generateP256Key(void) {
    return EVP_EC_gen("P-256");
}

int COpenSSL_generalNamesCount(const GENERAL_NAMES *names) {
    return sk_GENERAL_NAME_num(names);
}

const GENERAL_NAME *COpenSSL_generalNameAt(const GENERAL_NAMES *names, int index) {
    return sk_GENERAL_NAME_value(names, index);
}

int COpenSSL_generalNamesPush(GENERAL_NAMES *names, GENERAL_NAME *name) {
    return sk_GENERAL_NAME_push(names, name) > 0 ? 1 : 0;
}

unsigned long COpenSSL_nameFlagsRFC2253(void) {
    return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
}
