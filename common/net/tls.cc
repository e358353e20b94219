#include "common/net/tls.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstring>

namespace posthorn::net {

namespace {

Error TlsError(const std::string& what) {
  std::string why = TakeTlsErrors();
  return Error{what + ": " + (why.empty() ? "unknown OpenSSL error" : why)};
}

}  // namespace

std::string TlsErrorString(unsigned long e) {
  // OpenSSL 3 files errno values under the "system library" with no
  // string of their own; layers above only repeat "system lib".
  if (ERR_SYSTEM_ERROR(e)) return std::strerror(ERR_GET_REASON(e));
  if (ERR_GET_REASON(e) == ERR_R_SYS_LIB) return "";
  const char* lib = ERR_lib_error_string(e);
  const char* reason = ERR_reason_error_string(e);
  char code[32];
  if (reason == nullptr) {
    snprintf(code, sizeof code, "error %lx", e);
    reason = code;
  }
  return lib != nullptr ? std::string(lib) + ": " + reason : std::string(reason);
}

std::string TakeTlsErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    std::string one = TlsErrorString(e);
    if (one.empty()) continue;
    if (!out.empty()) out += "; ";
    out += one;
  }
  return out;
}

Result<std::shared_ptr<const TlsContext>> TlsContext::LoadServer(const std::string& cert_file,
                                                                  const std::string& key_file) {
  ERR_clear_error();  // whatever is queued is not ours to report
  std::unique_ptr<SSL_CTX, CtxFree> ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return TlsError("cannot create TLS context");
  SSL_CTX* c = ctx.get();
  if (SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1) return TlsError("cannot set TLS 1.2 minimum");
  // No compression: CRIME. No renegotiation: a client-driven CPU sink with
  // a history of bugs, and TLS 1.3 has none anyway.
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Idle sessions are the common case in IMAP: give buffers back between
  // reads. libevent may retry SSL_write from a moved buffer and relies on
  // partial writes.
  SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                          SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_dh_auto(c, 1);
  // Needed for session resumption should client certificates ever be
  // requested; harmless otherwise.
  static const unsigned char kSessionId[] = "posthorn";
  SSL_CTX_set_session_id_context(c, kSessionId, sizeof kSessionId - 1);

  if (SSL_CTX_use_certificate_chain_file(c, cert_file.c_str()) != 1)
    return TlsError("tls_cert " + cert_file + ": cannot load certificate chain");
  if (SSL_CTX_use_PrivateKey_file(c, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    // OpenSSL checks the pair while loading the key: say it the way an
    // admin who swapped one file of two needs to hear it.
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH)
      return TlsError("tls_key " + key_file + " does not match tls_cert " + cert_file);
    return TlsError("tls_key " + key_file + ": cannot load private key");
  }
  if (SSL_CTX_check_private_key(c) != 1)
    return TlsError("tls_key " + key_file + " does not match tls_cert " + cert_file);
  return std::make_shared<const TlsContext>(Key(), ctx.release());
}

std::string TlsVersion(const SSL* ssl) { return ssl != nullptr ? SSL_get_version(ssl) : ""; }

std::string TlsCipher(const SSL* ssl) {
  const char* name = ssl != nullptr ? SSL_get_cipher_name(ssl) : nullptr;
  return name != nullptr ? name : "";
}

int TlsCipherBits(const SSL* ssl) { return ssl != nullptr ? SSL_get_cipher_bits(ssl, nullptr) : 0; }

}  // namespace posthorn::net
