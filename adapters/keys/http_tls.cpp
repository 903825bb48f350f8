#include "adapters/keys/http_tls.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <system_error>

#include "adapters/keys/key_file.hpp"
#include "adapters/keys/keys.hpp"

namespace enroll {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxPemBytes = 64 * 1024;  // a chain of a few certificates

bool present(const fs::path& path) {
  std::error_code ec;
  return fs::symlink_status(path, ec).type() != fs::file_type::not_found;
}

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

[[noreturn]] void fail(const std::string& what) {
  throw KeysError("cannot make the HTTP TLS certificate: " + what);
}

std::string drain(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return {data, static_cast<std::size_t>(size)};
}

}  // namespace

fs::path http_tls_certificate(const fs::path& keys) { return keys / "http" / "tls.crt"; }
fs::path http_tls_key(const fs::path& keys) { return keys / "http" / "tls.key"; }

std::optional<HttpTlsFiles> load_http_tls(const fs::path& keys) {
  const auto cert = http_tls_certificate(keys);
  const auto key = http_tls_key(keys);
  const bool has_cert = present(cert);
  const bool has_key = present(key);
  if (!has_cert && !has_key) return std::nullopt;
  if (has_cert != has_key) {
    throw KeysError("key folder: " + quoted(has_cert ? cert : key) + " without " +
                    quoted(has_cert ? key : cert) + " (HTTPS needs both)");
  }
  HttpTlsFiles files;
  files.certificate_chain_pem = read_key_file(cert, kMaxPemBytes, Exposure::public_);
  files.private_key_pem = SecretString(read_key_file(key, kMaxPemBytes, Exposure::secret));
  return files;
}

void make_self_signed_http_tls(const fs::path& keys, const std::vector<std::string>& names,
                               int days) {
  const auto cert_path = http_tls_certificate(keys);
  const auto key_path = http_tls_key(keys);
  for (const auto& p : {cert_path, key_path}) {
    if (present(p)) throw KeysError("refusing to overwrite existing key file " + quoted(p));
  }
  if (names.empty()) fail("no host name");
  Pkey key(EVP_EC_gen("P-256"));
  if (!key) fail("EC key generation failed");
  Cert cert(X509_new());
  if (!cert) fail("out of memory");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  // A random positive serial, as RFC 5280 wants.
  if (RAND_bytes(serial, sizeof serial) != 1) fail("no randomness");
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(names.front().c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), subject);
  std::string san;
  for (const auto& name : names) {
    if (name.empty() || name.size() > 253 ||
        name.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") !=
            std::string::npos) {
      fail("'" + name.substr(0, 64) + "' is no host name or address");
    }
    const bool ip = name.find_first_not_of("0123456789.") == std::string::npos ||
                    name.find(':') != std::string::npos;
    san += (san.empty() ? "" : ",") + std::string(ip ? "IP:" : "DNS:") + name;
  }
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] :
       {std::pair{NID_subject_alt_name, san},
        std::pair{NID_basic_constraints, std::string("critical,CA:TRUE")},
        std::pair{NID_key_usage, std::string("critical,digitalSignature,keyCertSign")},
        std::pair{NID_ext_key_usage, std::string("serverAuth")}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) fail("bad extension " + value.substr(0, 64));
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) fail("signing failed");

  Bio cert_bio(BIO_new(BIO_s_mem()));
  Bio key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1) {
    fail("PEM encoding failed");
  }
  std::error_code ec;
  fs::create_directories(cert_path.parent_path(), ec);
  if (ec) fail("cannot create " + quoted(cert_path.parent_path()) + ": " + ec.message());
  fs::permissions(cert_path.parent_path(), fs::perms::owner_all, ec);
  // The key first: a certificate never stands there without it.
  write_key_file(key_path, drain(key_bio.get()), 0600, false);
  write_key_file(cert_path, drain(cert_bio.get()), 0644, false);
}

}  // namespace enroll
