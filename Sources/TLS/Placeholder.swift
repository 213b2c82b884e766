// TLS over OpenSSL (being written).
enum TLSPlaceholder {}
