#include "sync/delivery/webhook.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>

#include "sync/delivery/address.h"
#include "sync/i18n/messages.h"

namespace outpost::delivery {
namespace {

using nlohmann::json;

constexpr size_t kMinSecretBytes = 16;
constexpr size_t kMaxSecretBytes = 4096;
constexpr size_t kMaxIdBytes = 200;
constexpr size_t kMaxTextBytes = 2000;
// An answer longer than this is cut: a relay's answer is a receipt, not a page.
constexpr size_t kMaxAnswerBytes = size_t{64} * 1024;
constexpr int64_t kMaxTimeoutMs = 600000;
constexpr std::string_view kSignaturePrefix = "sha256=";

Status BadMessage(const char* field, std::string why) {
  const std::string shown = i18n::Format("{0}: {1}", {field, i18n::Tr(why)});
  return Status::InvalidInput(std::string(field) + ": " + std::move(why))
      .WithShown(shown)
      .WithField(field);
}

// An id or key: 1..200 printable ASCII bytes, so it can travel in a header.
Status CheckId(const char* field, const std::string& value) {
  if (value.empty()) return BadMessage(field, "missing");
  if (value.size() > kMaxIdBytes) {
    return BadMessage(field, Quoted(value) + " is over " + std::to_string(kMaxIdBytes) + " bytes");
  }
  for (char c : value) {
    if (c <= 0x20 || c >= 0x7F) {
      return BadMessage(field, Quoted(value) + " holds other than printable ASCII");
    }
  }
  return Status::Ok();
}

// libcurl is initialised once per process, before the first handle; the
// documented way for a library that does not own main().
void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t CollectAnswer(char* data, size_t size, size_t count, void* user) {
  auto* answer = static_cast<std::string*>(user);
  const size_t n = size * count;
  if (answer->size() < kMaxAnswerBytes) {
    answer->append(data, std::min(n, kMaxAnswerBytes - answer->size()));
  }
  return n;  // the rest is dropped, not an error
}

// The answer to an HTTP status, classified as DeliveryResult documents.
DeliveryResult Classify(long status, const std::string& answer) {
  DeliveryResult result;
  result.http_status = static_cast<int>(status);
  const std::string head = "HTTP " + std::to_string(status);
  if (status >= 200 && status < 300) {
    const json parsed = json::parse(answer, nullptr, /*allow_exceptions=*/false);
    // A receipt is recorded and shown: 1..200 bytes, as an id.
    const bool has_receipt = parsed.is_object() && parsed.contains("receipt_id") &&
                             parsed["receipt_id"].is_string() &&
                             CheckId("receipt_id", parsed["receipt_id"].get<std::string>()).ok();
    if (!has_receipt) {
      // Safe to retry: the key makes a second send a duplicate at the relay.
      result.kind = DeliveryKind::kRetry;
      result.detail = head + " without a usable receipt_id: " + Excerpt(answer, 200);
      return result;
    }
    result.kind = DeliveryKind::kAccepted;
    result.receipt_id = parsed["receipt_id"].get<std::string>();
    result.duplicate = parsed.contains("duplicate") && parsed["duplicate"].is_boolean() &&
                       parsed["duplicate"].get<bool>();
    result.detail = head + (result.duplicate ? ": duplicate, receipt " : ": receipt ") +
                    Excerpt(result.receipt_id, 200);
    return result;
  }
  result.kind = (status >= 500 || status == 429 || status == 408) ? DeliveryKind::kRetry
                                                                  : DeliveryKind::kPermanent;
  result.detail = answer.empty() ? head : head + ": " + Excerpt(answer, 200);
  return result;
}

}  // namespace

Status ValidateGatewayConfig(const GatewayConfig& config) {
  const std::string& url = config.url;
  const size_t scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidInput("url: " + Quoted(url) + " does not start with http:// or https://")
        .WithShown(i18n::Format("url: {0} does not start with http:// or https://", {Quoted(url)}))
        .WithField("url");
  }
  CURLU* parsed = curl_url();
  const CURLUcode code = curl_url_set(parsed, CURLUPART_URL, url.c_str(), 0);
  char* host = nullptr;
  const bool has_host = code == CURLUE_OK &&
                        curl_url_get(parsed, CURLUPART_HOST, &host, 0) == CURLUE_OK && host &&
                        host[0] != '\0';
  curl_free(host);
  curl_url_cleanup(parsed);
  if (code != CURLUE_OK) {
    return Status::InvalidInput("url: " + Quoted(url) + " is not a URL (" +
                                curl_url_strerror(code) + ")")
        .WithShown(
            i18n::Format("url: {0} is not a URL ({1})", {Quoted(url), curl_url_strerror(code)}))
        .WithField("url");
  }
  if (!has_host) {
    return Status::InvalidInput("url: " + Quoted(url) + " names no host")
        .WithShown(i18n::Format("url: {0} names no host", {Quoted(url)}))
        .WithField("url");
  }
  if (config.secret.empty()) {
    return Status::InvalidInput("secret: empty (load it with LoadGatewaySecret)")
        .WithField("secret");
  }
  if (config.timeout_ms < 1 || config.timeout_ms > kMaxTimeoutMs) {
    return Status::InvalidInput("timeout_ms: " + std::to_string(config.timeout_ms) +
                                " is not between 1 and " + std::to_string(kMaxTimeoutMs))
        .WithShown(i18n::Format("timeout_ms: {0} is not between 1 and {1}",
                                {std::to_string(config.timeout_ms), std::to_string(kMaxTimeoutMs)}))
        .WithField("timeout_ms");
  }
  return ValidateRetryPolicy(config.retry);
}

Result<GatewayConfig> GatewayConfigFromJson(const json& config) {
  if (!config.is_object()) {
    return Status::InvalidInput("gateway config: " + Excerpt(config.dump(), 80) +
                                " is not a JSON object")
        .WithShown(
            i18n::Format("gateway config: {0} is not a JSON object", {Excerpt(config.dump(), 80)}));
  }
  static const char* const kKeys[] = {"url",          "secret_file",     "timeout_ms",
                                      "max_attempts", "backoff_base_ms", "backoff_cap_ms"};
  for (const auto& [key, value] : config.items()) {
    bool known = false;
    for (const char* k : kKeys) known |= key == k;
    if (!known) {
      return Status::InvalidInput("gateway config: unknown key " + Quoted(key))
          .WithShown(i18n::Format("gateway config: unknown key {0}", {Quoted(key)}))
          .WithField(key);
    }
  }
  for (const char* key : {"url", "secret_file"}) {
    if (!config.contains(key) || !config[key].is_string()) {
      return Status::InvalidInput(std::string(key) + ": missing or not a string")
          .WithShown(i18n::Format("{0}: missing or not a string", {key}))
          .WithField(key);
    }
  }
  GatewayConfig out;
  out.url = config["url"].get<std::string>();
  if (config.contains("timeout_ms")) {
    if (!config["timeout_ms"].is_number_integer()) {
      return Status::InvalidInput("timeout_ms: " + config["timeout_ms"].dump() +
                                  " is not a whole number")
          .WithShown(i18n::Format("{0}: {1} is not a whole number",
                                  {"timeout_ms", config["timeout_ms"].dump()}))
          .WithField("timeout_ms");
    }
    out.timeout_ms = config["timeout_ms"].get<int64_t>();
  }
  json retry = json::object();
  for (const char* key : {"max_attempts", "backoff_base_ms", "backoff_cap_ms"}) {
    if (config.contains(key)) retry[key] = config[key];
  }
  ASSIGN_OR_RETURN(out.retry, RetryPolicyFromJson(retry));
  // Checked before the secret is read, so a bad url is reported as itself.
  out.secret = "unread";
  RETURN_IF_ERROR(ValidateGatewayConfig(out));
  ASSIGN_OR_RETURN(out.secret, LoadGatewaySecret(config["secret_file"].get<std::string>()));
  return out;
}

Result<std::string> LoadGatewaySecret(const std::string& path) {
  // Opened first, then checked and read through the same descriptor: the file
  // whose mode is checked is the file that is read.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT) {
      return Status::NotFound("secret file '" + path + "' does not exist")
          .WithShown(i18n::Format("secret file '{0}' does not exist", {path}))
          .WithField("secret_file");
    }
    return Status::IoError("secret file '" + path + "': " + std::strerror(error))
        .WithShown(i18n::Format("secret file '{0}': {1}", {path, std::strerror(error)}))
        .WithField("secret_file");
  }
  struct stat info;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    close(fd);
    return Status::InvalidInput("secret file '" + path + "' is not a regular file")
        .WithShown(i18n::Format("secret file '{0}' is not a regular file", {path}))
        .WithField("secret_file");
  }
  if (info.st_mode & 077) {
    close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(info.st_mode & 0777));
    return Status::Refused("secret file '" + path + "' has mode " + mode +
                           ", open to group or others; make it owner-only with: chmod 600 " + path)
        .WithShown(i18n::Format("secret file '{0}' has mode {1}, open to group or others; make it "
                                "owner-only with: chmod 600 {0}",
                                {path, mode}))
        .WithField("secret_file");
  }
  std::string secret;
  char buffer[512];
  ssize_t n = 0;
  while (secret.size() <= kMaxSecretBytes + 2 && (n = read(fd, buffer, sizeof buffer)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    secret.append(buffer, static_cast<size_t>(n));
  }
  sodium_memzero(buffer, sizeof buffer);
  close(fd);
  if (n < 0) {
    sodium_memzero(secret.data(), secret.size());
    return Status::IoError("secret file '" + path + "' cannot be read")
        .WithShown(i18n::Format("secret file '{0}' cannot be read", {path}))
        .WithField("secret_file");
  }
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.size() < kMinSecretBytes || secret.size() > kMaxSecretBytes) {
    const size_t size = secret.size();
    sodium_memzero(secret.data(), secret.size());
    return Status::InvalidInput("secret file '" + path + "' holds " +
                                (size > kMaxSecretBytes ? "over " + std::to_string(kMaxSecretBytes)
                                                        : std::to_string(size)) +
                                " bytes; a secret is " + std::to_string(kMinSecretBytes) + " to " +
                                std::to_string(kMaxSecretBytes) +
                                " bytes (make one with: openssl rand -hex 32 > " + path + ")")
        .WithShown(i18n::Format(
            "secret file '{0}' holds {1} bytes; a secret is {2} to {3} bytes (make one with: "
            "openssl rand -hex 32 > {0})",
            {path,
             size > kMaxSecretBytes ? i18n::Format("over {0}", {std::to_string(kMaxSecretBytes)})
                                    : std::to_string(size),
             std::to_string(kMinSecretBytes), std::to_string(kMaxSecretBytes)}))
        .WithField("secret_file");
  }
  return secret;
}

std::string SignBody(std::string_view secret, std::string_view body) {
  crypto_auth_hmacsha256_state state;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[2 * sizeof mac + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  sodium_memzero(&state, sizeof state);
  return std::string(kSignaturePrefix) + hex;
}

Status VerifySignature(std::string_view secret, std::string_view body, std::string_view header) {
  auto bad = [](std::string why) {
    const std::string shown = i18n::Format("X-Outpost-Signature: {0}", {i18n::Tr(why)});
    return Status::InvalidInput("X-Outpost-Signature: " + std::move(why))
        .WithShown(shown)
        .WithField("X-Outpost-Signature");
  };
  if (header.empty()) return bad("missing");
  const size_t hex_size = size_t{2} * crypto_auth_hmacsha256_BYTES;
  if (header.size() != kSignaturePrefix.size() + hex_size ||
      header.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
    return bad(Quoted(header) + " is not sha256= followed by 64 hex digits");
  }
  unsigned char given[crypto_auth_hmacsha256_BYTES];
  size_t given_size = 0;
  const std::string_view hex = header.substr(kSignaturePrefix.size());
  if (sodium_hex2bin(given, sizeof given, hex.data(), hex.size(), nullptr, &given_size, nullptr) !=
          0 ||
      given_size != sizeof given) {
    return bad(Quoted(header) + " is not sha256= followed by 64 hex digits");
  }
  const std::string expected_header = SignBody(secret, body);
  unsigned char expected[crypto_auth_hmacsha256_BYTES];
  sodium_hex2bin(expected, sizeof expected, expected_header.data() + kSignaturePrefix.size(),
                 hex_size, nullptr, nullptr, nullptr);
  // Constant time: the comparison does not tell how many leading bytes matched.
  if (sodium_memcmp(given, expected, sizeof given) != 0) {
    return bad("does not match the body (wrong secret, or the body changed on the way)");
  }
  return Status::Ok();
}

Status ValidateOutboundMessage(const OutboundMessage& message) {
  RETURN_IF_ERROR(CheckId("message_id", message.message_id));
  RETURN_IF_ERROR(CheckId("idempotency_key", message.idempotency_key));
  RETURN_IF_ERROR(CheckId("store_id", message.store_id));
  if (message.channel == "sms") {
    if (!IsE164(message.to)) {
      return BadMessage("to", Quoted(message.to) + " is not an E.164 phone (+8613812345678)");
    }
  } else if (message.channel == "wechat") {
    if (!IsWeChatId(message.to)) {
      return BadMessage("to", Quoted(message.to) + " is not a WeChat id (letters, digits, _, -)");
    }
  } else {
    return BadMessage("channel", Quoted(message.channel) + " is not sms or wechat");
  }
  if (message.text.empty()) return BadMessage("text", "empty");
  if (message.text.size() > kMaxTextBytes) {
    return BadMessage("text", std::to_string(message.text.size()) + " bytes is over the limit of " +
                                  std::to_string(kMaxTextBytes));
  }
  if (!IsUtf8(message.text)) return BadMessage("text", "not valid UTF-8");
  return Status::Ok();
}

std::string MessageBody(const OutboundMessage& message, int64_t sent_at_ms) {
  // ordered_json keeps the documented field order; the signature covers these exact bytes.
  nlohmann::ordered_json body;
  body["message_id"] = message.message_id;
  body["idempotency_key"] = message.idempotency_key;
  body["store_id"] = message.store_id;
  body["channel"] = message.channel;
  body["to"] = message.to;
  body["text"] = message.text;
  body["sent_at"] = FormatUtcMs(sent_at_ms);
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct WebhookClient::Impl {
  GatewayConfig config;
  const Clock* clock = nullptr;
  CURL* curl = nullptr;
  char error[CURL_ERROR_SIZE] = {};

  ~Impl() {
    if (curl) curl_easy_cleanup(curl);
    sodium_memzero(config.secret.data(), config.secret.size());
  }

  DeliveryResult Post(const OutboundMessage& message);
};

DeliveryResult WebhookClient::Impl::Post(const OutboundMessage& message) {
  const int64_t now_ms = clock->NowMs();
  const std::string body = MessageBody(message, now_ms);
  curl_slist* headers = nullptr;
  for (const std::string& h :
       {std::string("Content-Type: application/json"),
        "Idempotency-Key: " + message.idempotency_key,
        "X-Outpost-Signature: " + SignBody(config.secret, body),
        "X-Outpost-Timestamp: " + std::to_string(now_ms), std::string("Expect:")}) {
    headers = curl_slist_append(headers, h.c_str());
  }
  std::string answer;
  curl_easy_setopt(curl, CURLOPT_URL, config.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectAnswer);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  error[0] = '\0';
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);

  if (code != CURLE_OK) {
    DeliveryResult result;
    result.kind = DeliveryKind::kRetry;
    if (code == CURLE_OPERATION_TIMEDOUT) {
      result.detail = "timeout after " + std::to_string(config.timeout_ms) + " ms";
    } else if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
      result.kind = DeliveryKind::kPermanent;
      result.detail = "bad url " + Quoted(config.url) + ": " + curl_easy_strerror(code);
    } else {
      const std::string why = error[0] ? error : curl_easy_strerror(code);
      result.detail = (code == CURLE_COULDNT_CONNECT ? "cannot connect: " : "no answer: ") + why;
    }
    return result;
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  return Classify(status, answer);
}

Result<std::unique_ptr<WebhookClient>> WebhookClient::Create(GatewayConfig config,
                                                             const Clock& clock) {
  GlobalInitOnce();
  RETURN_IF_ERROR(ValidateGatewayConfig(config));
  auto impl = std::make_unique<Impl>();
  impl->config = std::move(config);
  impl->clock = &clock;
  impl->curl = curl_easy_init();
  if (!impl->curl) return Status::IoError("libcurl could not make a handle");
  CURL* curl = impl->curl;
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM: safe in threaded programs
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(impl->config.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(impl->config.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, impl->error);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is an answer, not a hop
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  // A relay on this machine is reached directly whatever proxy the environment names.
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
  return std::unique_ptr<WebhookClient>(new WebhookClient(std::move(impl)));
}

WebhookClient::WebhookClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WebhookClient::~WebhookClient() = default;

DeliveryResult WebhookClient::Send(const OutboundMessage& message) {
  const Status valid = ValidateOutboundMessage(message);
  if (!valid.ok()) {
    DeliveryResult result;
    result.kind = DeliveryKind::kPermanent;
    result.detail = "invalid message: " + valid.message();
    return result;
  }
  return impl_->Post(message);
}

}  // namespace outpost::delivery
