// Binary position documents: varints, zigzag for signed values, length-prefixed strings.
#include "store/position_codec.h"

#include <cstdint>

namespace ponte::store {
namespace {

constexpr unsigned char kFormatVersion = 1;

class Writer {
 public:
  void byte(unsigned char b) { out_.push_back(static_cast<char>(b)); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      byte(static_cast<unsigned char>(v | 0x80));
      v >>= 7;
    }
    byte(static_cast<unsigned char>(v));
  }
  void signedInt(std::int64_t v) {
    varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void boolean(bool b) { byte(b ? 1 : 0); }
  void text(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }
  void date(core::Date d) { signedInt(d.days()); }
  void optionalDate(const std::optional<core::Date>& d) {
    boolean(d.has_value());
    if (d) date(*d);
  }
  void metadata(const std::vector<core::MapEntry>& entries) {
    varint(entries.size());
    for (const auto& e : entries) {
      text(e.key);
      text(e.value);
    }
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Every read checks the remaining length; the first failure latches `ok_` so the decoder can run
// straight through and check once at the end without ever reading out of bounds.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool atEnd() const { return pos_ == in_.size(); }

  unsigned char byte() {
    if (!ok_ || pos_ >= in_.size()) return fail();
    return static_cast<unsigned char>(in_[pos_++]);
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      unsigned char b = byte();
      if (!ok_) return 0;
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return fail();
  }
  std::int64_t signedInt() {
    std::uint64_t z = varint();
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  bool boolean() {
    unsigned char b = byte();
    if (b > 1) return fail();
    return b == 1;
  }
  std::string text() {
    std::uint64_t n = varint();
    if (!ok_ || n > in_.size() - pos_) {
      fail();
      return {};
    }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // A count of elements that each take at least one byte: bounded by what is left, so a corrupt
  // count cannot make the decoder reserve gigabytes.
  std::size_t count() {
    std::uint64_t n = varint();
    if (!ok_ || n > in_.size() - pos_) return fail();
    return static_cast<std::size_t>(n);
  }
  core::Date date() {
    std::int64_t d = signedInt();
    if (d < INT32_MIN || d > INT32_MAX) return core::Date::fromDays(fail());
    return core::Date::fromDays(static_cast<std::int32_t>(d));
  }
  std::optional<core::Date> optionalDate() {
    if (!boolean()) return std::nullopt;
    return date();
  }
  std::vector<core::MapEntry> metadata() {
    std::vector<core::MapEntry> entries;
    for (std::size_t i = 0, n = count(); i < n && ok_; ++i) {
      core::MapEntry e;
      e.key = text();
      e.value = text();
      entries.push_back(std::move(e));
    }
    return entries;
  }
  template <class Enum>
  Enum enumValue(Enum last) {
    std::uint64_t v = varint();
    if (v > static_cast<std::uint64_t>(last)) return static_cast<Enum>(fail());
    return static_cast<Enum>(v);
  }
  int fail() {
    ok_ = false;
    return 0;
  }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

void writeSubject(Writer& w, const core::Subject& s) {
  w.byte(static_cast<unsigned char>(s.type));
  w.text(s.fiscal_code);
  w.text(s.full_name);
  w.text(s.street_name);
  w.text(s.civic_number);
  w.text(s.postal_code);
  w.text(s.city);
  w.text(s.province);
  w.text(s.country);
  w.text(s.email);
  w.text(s.phone);
}

core::Subject readSubject(Reader& r) {
  core::Subject s;
  s.type = static_cast<char>(r.byte());
  s.fiscal_code = r.text();
  s.full_name = r.text();
  s.street_name = r.text();
  s.civic_number = r.text();
  s.postal_code = r.text();
  s.city = r.text();
  s.province = r.text();
  s.country = r.text();
  s.email = r.text();
  s.phone = r.text();
  return s;
}

void writeTransfer(Writer& w, const core::Transfer& t) {
  w.signedInt(t.id_transfer);
  w.signedInt(t.amount);
  w.text(t.organization_fiscal_code);
  w.text(t.company_name);
  w.text(t.iban);
  w.text(t.postal_iban);
  w.boolean(t.stamp.has_value());
  if (t.stamp) {
    w.text(t.stamp->hash_document);
    w.text(t.stamp->stamp_type);
    w.text(t.stamp->provincial_residence);
  }
  w.text(t.remittance_information);
  w.text(t.category);
  w.metadata(t.metadata);
}

core::Transfer readTransfer(Reader& r) {
  core::Transfer t;
  std::int64_t id = r.signedInt();
  if (id < INT32_MIN || id > INT32_MAX) r.fail();
  t.id_transfer = static_cast<int>(id);
  t.amount = r.signedInt();
  t.organization_fiscal_code = r.text();
  t.company_name = r.text();
  t.iban = r.text();
  t.postal_iban = r.text();
  if (r.boolean()) {
    core::StampRequest stamp;
    stamp.hash_document = r.text();
    stamp.stamp_type = r.text();
    stamp.provincial_residence = r.text();
    t.stamp = std::move(stamp);
  }
  t.remittance_information = r.text();
  t.category = r.text();
  t.metadata = r.metadata();
  return t;
}

void writeOption(Writer& w, const core::PaymentOption& o) {
  w.text(o.iuv);
  w.text(o.nav);
  w.signedInt(o.amount);
  w.text(o.description);
  w.boolean(o.is_partial_payment);
  w.text(o.payment_plan_id);
  w.date(o.due_date);
  w.optionalDate(o.retention_date);
  w.signedInt(o.fee);
  w.metadata(o.metadata);
  w.varint(o.transfers.size());
  for (const auto& t : o.transfers) writeTransfer(w, t);
  w.varint(o.schedule.size());
  for (const auto& step : o.schedule) {
    w.optionalDate(step.until);
    w.signedInt(step.amount);
    w.varint(step.transfer_amounts.size());
    for (core::Cents c : step.transfer_amounts) w.signedInt(c);
    w.text(step.label);
  }
  w.varint(static_cast<std::uint64_t>(o.status));
}

core::PaymentOption readOption(Reader& r) {
  core::PaymentOption o;
  o.iuv = r.text();
  o.nav = r.text();
  o.amount = r.signedInt();
  o.description = r.text();
  o.is_partial_payment = r.boolean();
  o.payment_plan_id = r.text();
  o.due_date = r.date();
  o.retention_date = r.optionalDate();
  o.fee = r.signedInt();
  o.metadata = r.metadata();
  // Elements are appended one by one while the input lasts, so memory grows with the bytes
  // actually read and never with a count claimed by a corrupt blob.
  for (std::size_t i = 0, n = r.count(); i < n && r.ok(); ++i) {
    o.transfers.push_back(readTransfer(r));
  }
  for (std::size_t i = 0, n = r.count(); i < n && r.ok(); ++i) {
    core::AmountStep step;
    step.until = r.optionalDate();
    step.amount = r.signedInt();
    for (std::size_t j = 0, m = r.count(); j < m && r.ok(); ++j) {
      step.transfer_amounts.push_back(r.signedInt());
    }
    step.label = r.text();
    o.schedule.push_back(std::move(step));
  }
  o.status = r.enumValue(core::OptionStatus::kReported);
  return o;
}

}  // namespace

std::string encodePosition(const core::DebtPosition& p) {
  Writer w;
  w.byte(kFormatVersion);
  w.text(p.ec_fiscal_code);
  w.text(p.iupd);
  writeSubject(w, p.debtor);
  w.text(p.company_name);
  w.text(p.office_name);
  w.optionalDate(p.validity_date);
  w.boolean(p.switch_to_expired);
  w.boolean(p.pay_stand_in);
  w.varint(static_cast<std::uint64_t>(p.status));
  w.boolean(p.coercive.sent);
  w.text(p.coercive.collector_reference);
  w.text(p.coercive.collector_url);
  w.varint(p.options.size());
  for (const auto& o : p.options) writeOption(w, o);
  return w.take();
}

std::optional<core::DebtPosition> decodePosition(std::string_view blob) {
  Reader r(blob);
  if (r.byte() != kFormatVersion) return std::nullopt;
  core::DebtPosition p;
  p.ec_fiscal_code = r.text();
  p.iupd = r.text();
  p.debtor = readSubject(r);
  p.company_name = r.text();
  p.office_name = r.text();
  p.validity_date = r.optionalDate();
  p.switch_to_expired = r.boolean();
  p.pay_stand_in = r.boolean();
  p.status = r.enumValue(core::PositionStatus::kReported);
  p.coercive.sent = r.boolean();
  p.coercive.collector_reference = r.text();
  p.coercive.collector_url = r.text();
  for (std::size_t i = 0, n = r.count(); i < n && r.ok(); ++i) {
    p.options.push_back(readOption(r));
  }
  if (!r.ok() || !r.atEnd()) return std::nullopt;
  return p;
}

}  // namespace ponte::store
