// Server-side TLS configuration: one SSL_CTX made from the PEM files named
// by `tls_cert` and `tls_key`.
//
// Reload (DESIGN.md contract 7, SIGHUP): load a new TlsContext and swap the
// std::shared_ptr the daemon hands to NEW connections. Sessions already in
// TLS are unaffected: each SSL holds its own reference on its SSL_CTX
// (SSL_new takes one), so the old context lives exactly as long as the
// last session using it. Keep the old pointer when loading fails.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "common/base/result.h"

namespace posthorn::net {

class TlsContext {
 public:
  // TLS 1.2 minimum, no compression (CRIME), no renegotiation, the
  // server's cipher order, session tickets on. `cert_file` holds the
  // certificate followed by its chain. Errors name the file and carry
  // OpenSSL's reason; a key that does not match the certificate is one.
  static Result<std::shared_ptr<const TlsContext>> LoadServer(const std::string& cert_file,
                                                               const std::string& key_file);

  // For LoadServer only (make_shared needs a public constructor).
  class Key {
    friend class TlsContext;
    Key() = default;
  };
  TlsContext(Key, SSL_CTX* ctx) : ctx_(ctx) {}
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // Non-const because SSL_new() wants it so; the context is not changed
  // after loading.
  SSL_CTX* get() const { return ctx_.get(); }

 private:
  struct CtxFree {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
  };
  std::unique_ptr<SSL_CTX, CtxFree> ctx_;
};

// For Received headers and log lines, once the handshake is done:
// "TLSv1.3", "TLS_AES_256_GCM_SHA384", 256. Empty / 0 for nullptr.
std::string TlsVersion(const SSL* ssl);
std::string TlsCipher(const SSL* ssl);
int TlsCipherBits(const SSL* ssl);

// One OpenSSL error code as text: strerror for system errors, else
// "lib: reason"; "" for the uninformative "system lib" wrappers.
std::string TlsErrorString(unsigned long e);
// Empties this thread's OpenSSL error queue into one line ("lib: reason;
// lib: reason"), or "" when it is empty. Call it after every failure so a
// stale error never gets blamed on the next connection.
std::string TakeTlsErrors();

}  // namespace posthorn::net
