// COpenSSL: the system OpenSSL (libssl-dev) for the TLS module; shim.c wraps macros Swift cannot call.
#ifndef COPENSSL_H
#define COPENSSL_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/evp.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/core_names.h>

// Every function below wraps a macro (or a variadic or type-generic call) that Swift cannot import.
// Return values are OpenSSL's own: 1 for success unless a comment says otherwise.

// SSL_CTX settings.
int COpenSSL_setMinimumProtocolVersion(SSL_CTX *context, int version);
int COpenSSL_setMaximumProtocolVersion(SSL_CTX *context, int version);
int COpenSSL_setGroups(SSL_CTX *context, const char *groups);
void COpenSSL_disableSessionCache(SSL_CTX *context);
void COpenSSL_setMaximumCertificateListSize(SSL_CTX *context, long bytes);
/// Lets OpenSSL free a session's record buffers while they are empty (idle connections stay small).
void COpenSSL_releaseIdleBuffers(SSL_CTX *context);
/// Options every context gets: no renegotiation, no stateless session tickets, no compression, server
/// cipher order.
uint64_t COpenSSL_hardeningOptions(void);
/// Turns on a server's session cache, holding at most `size` sessions (the one whose deadline comes
/// first goes first), that OpenSSL looks sessions up in but never stores into by itself: the new-session callback
/// decides what is stored (SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL_STORE). With
/// SSL_OP_NO_TICKET set, a TLS 1.3 server's tickets then carry only the id of a cached session.
void COpenSSL_enableServerSessionCache(SSL_CTX *context, long size);
/// How many sessions a context's cache holds now (SSL_CTX_sess_number).
long COpenSSL_cachedSessionCount(SSL_CTX *context);
/// Makes OpenSSL fail on an encrypted private key instead of prompting for a passphrase on the terminal.
void COpenSSL_refusePassphrases(SSL_CTX *context);
/// `pem_password_cb` that supplies no passphrase.
int COpenSSL_noPassphrase(char *buffer, int size, int writing, void *data);

// SSL settings.
int COpenSSL_setServerNameIndication(SSL *ssl, const char *name);

// Memory BIOs.
void COpenSSL_setMemoryEndOfFileReturn(BIO *bio, int value);
/// The readable bytes of a memory BIO without copying; returns their count.
long COpenSSL_memoryData(BIO *bio, char **data);
/// Discards `count` readable bytes of a read-write memory BIO without copying them (BIO_seek).
int COpenSSL_memorySkip(BIO *bio, long count);
/// Bytes allocated by a memory BIO (readable or not), or -1.
long COpenSSL_memoryCapacity(BIO *bio);

// Memory.
void COpenSSL_free(void *pointer);

// Keys and certificates.
/// A fresh EC key on P-256 (prime256v1), or NULL.
EVP_PKEY *COpenSSL_generateP256Key(void);
int COpenSSL_generalNamesCount(const GENERAL_NAMES *names);
const GENERAL_NAME *COpenSSL_generalNameAt(const GENERAL_NAMES *names, int index);
/// Appends `name` to `names`, which takes ownership on success.
int COpenSSL_generalNamesPush(GENERAL_NAMES *names, GENERAL_NAME *name);
/// Flags for X509_NAME_print_ex: RFC 2253 order and escaping, UTF-8 kept as is.
unsigned long COpenSSL_nameFlagsRFC2253(void);

#endif
