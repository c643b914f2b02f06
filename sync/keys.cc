#include "sync/keys.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include "sync/i18n/messages.h"
#include "sync/private_file.h"

namespace outpost {
namespace {

template <size_t N>
std::string Hex(const std::array<uint8_t, N>& bytes) {
  std::string out(N * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), N);
  out.pop_back();
  return out;
}

template <size_t N>
bool FromHex(const std::string& hex, std::array<uint8_t, N>& out) {
  size_t len = 0;
  return hex.size() == N * 2 &&
         sodium_hex2bin(out.data(), N, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 &&
         len == N;
}

// "key value" lines after a first line naming the format.
Result<std::map<std::string, std::string>> ReadKeyFile(const std::string& path,
                                                       const std::string& format) {
  std::ifstream in(path);
  if (!in) {
    return Status::NotFound("key file '" + path + "' cannot be read")
        .WithShown(i18n::Format("key file '{0}' cannot be read", {path}));
  }
  std::string first;
  std::getline(in, first);
  if (first != format) {
    return Status::InvalidInput("key file '" + path + "' is not an " + format + " file")
        .WithShown(i18n::Format("key file '{0}' is not an {1} file", {path, format}));
  }
  std::map<std::string, std::string> fields;
  std::string line;
  while (std::getline(in, line)) {
    auto space = line.find(' ');
    if (space == std::string::npos) continue;
    fields[line.substr(0, space)] = line.substr(space + 1);
  }
  return fields;
}

std::string SecretKeyText(const SecretKeys& keys) {
  return "outpost-secret-key v1\nsite " + keys.pub.site_id + "\nsign-secret " + Hex(keys.sign_sk) +
         "\nkx-secret " + Hex(keys.kx_sk) + "\n";
}

// Writes a secret key file (0600) durably, and wipes the text it made.
Status WriteSecretKeyFile(const std::string& path, const SecretKeys& keys) {
  std::string text = SecretKeyText(keys);
  Status st = WriteFileDurably(path, text, kPrivateFileMode);
  sodium_memzero(text.data(), text.size());
  return st;
}

bool Exists(const std::string& path) {
  struct stat info;
  return lstat(path.c_str(), &info) == 0;
}

}  // namespace

std::string PublicKeys::KeyId() const {
  std::array<uint8_t, 8> id;
  crypto_generichash(id.data(), id.size(), sign_pk.data(), sign_pk.size(), nullptr, 0);
  return Hex(id);
}

SecretKeys::~SecretKeys() {
  sodium_memzero(sign_sk.data(), sign_sk.size());
  sodium_memzero(kx_sk.data(), kx_sk.size());
}

SecretKeys SecretKeys::Generate(const std::string& site_id) {
  if (sodium_init() < 0) std::abort();  // no CSPRNG: refuse to make keys
  SecretKeys keys;
  keys.pub.site_id = site_id;
  crypto_sign_keypair(keys.pub.sign_pk.data(), keys.sign_sk.data());
  crypto_kx_keypair(keys.pub.kx_pk.data(), keys.kx_sk.data());
  return keys;
}

std::string PublicKeyText(const PublicKeys& keys) {
  return "outpost-public-key v1\nsite " + keys.site_id + "\nsign-public " + Hex(keys.sign_pk) +
         "\nkx-public " + Hex(keys.kx_pk) + "\n";
}

Result<KeyFiles> WriteKeyFiles(const SecretKeys& keys, const std::string& dir, bool rotate) {
  KeyFiles files;
  files.secret = dir + "/" + keys.pub.site_id + ".key";
  files.pub = dir + "/" + keys.pub.site_id + ".pub";
  const bool existing = Exists(files.secret) || Exists(files.pub);
  if (existing && !rotate) {
    const std::string& there = Exists(files.secret) ? files.secret : files.pub;
    return Status::Conflict("'" + there +
                            "' exists; keys are never overwritten silently (--force rotates them)")
        .WithShown(i18n::Format(
            "'{0}' exists; keys are never overwritten silently (--force rotates them)", {there}));
  }
  if (existing && Exists(files.secret)) {
    const std::string old_secret = files.secret + ".old", old_pub = files.pub + ".old";
    if (Exists(old_secret) || Exists(old_pub)) {
      return Status::Conflict("'" + old_secret +
                              "' still keeps the pair an earlier rotation replaced; once the hub "
                              "has allowed " +
                              files.pub + ", remove " + old_secret + " and " + old_pub +
                              ", then rotate again")
          .WithShown(i18n::Format("'{0}' still keeps the pair an earlier rotation replaced; once "
                                  "the hub has allowed {1}, remove {0} and {2}, then rotate again",
                                  {old_secret, files.pub, old_pub}));
    }
    ASSIGN_OR_RETURN(SecretKeys current, LoadSecretKeys(files.secret));
    RETURN_IF_ERROR(WriteSecretKeyFile(old_secret, current));
    RETURN_IF_ERROR(WriteFileDurably(old_pub, PublicKeyText(current.pub), 0644));
    files.old_secret = old_secret;
    files.old_pub = old_pub;
  }
  // The public half first: until SITE.key is renamed, the current secret is in place.
  RETURN_IF_ERROR(WriteFileDurably(files.pub, PublicKeyText(keys.pub), 0644));
  RETURN_IF_ERROR(WriteSecretKeyFile(files.secret, keys));
  return files;
}

Result<SecretKeys> LoadSecretKeys(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    return Status::NotFound("no key file '" + path + "'")
        .WithShown(i18n::Format("no key file '{0}'", {path}));
  }
  if (info.st_mode & 077) {
    return Status::Refused("key file '" + path + "' is readable by others; chmod 600 it")
        .WithShown(i18n::Format("key file '{0}' is readable by others; chmod 600 it", {path}));
  }
  ASSIGN_OR_RETURN(auto fields, ReadKeyFile(path, "outpost-secret-key v1"));
  SecretKeys keys;
  keys.pub.site_id = fields["site"];
  if (keys.pub.site_id.empty() || !FromHex(fields["sign-secret"], keys.sign_sk) ||
      !FromHex(fields["kx-secret"], keys.kx_sk)) {
    return Status::Corruption("key file '" + path + "' is damaged")
        .WithShown(i18n::Format("key file '{0}' is damaged", {path}));
  }
  crypto_sign_ed25519_sk_to_pk(keys.pub.sign_pk.data(), keys.sign_sk.data());
  crypto_scalarmult_base(keys.pub.kx_pk.data(), keys.kx_sk.data());
  sodium_memzero(fields["sign-secret"].data(), fields["sign-secret"].size());
  sodium_memzero(fields["kx-secret"].data(), fields["kx-secret"].size());
  return keys;
}

Result<PublicKeys> LoadPublicKeys(const std::string& path) {
  ASSIGN_OR_RETURN(auto fields, ReadKeyFile(path, "outpost-public-key v1"));
  PublicKeys keys;
  keys.site_id = fields["site"];
  if (keys.site_id.empty() || !FromHex(fields["sign-public"], keys.sign_pk) ||
      !FromHex(fields["kx-public"], keys.kx_pk)) {
    return Status::Corruption("public key file '" + path + "' is damaged")
        .WithShown(i18n::Format("public key file '{0}' is damaged", {path}));
  }
  return keys;
}

}  // namespace outpost
