// The room a signature reserves in /Contents for its CMS: sized from what the CMS will hold
// once the timestamp source has returned a token, and made again with more room when a token
// turns out larger than the earlier ones. Judged by our verifier and by pyHanko.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/signing/timestamp_client.hpp"
#include "support/process.hpp"

namespace ipt::test {
namespace {

using signing::Level;

// A signature's room for its CMS and what its CMS takes of it, in bytes.
struct Room {
  std::string field;
  size_t reserved = 0;
  size_t used = 0;
};

// The length of the DER value at the start of `der` (tag, length and contents).
size_t der_length(const Bytes& der) {
  if (der.size() < 2 || der[0] != 0x30) return 0;
  if (der[1] < 0x80) return 2 + der[1];
  const size_t octets = der[1] & 0x7F;
  size_t length = 0;
  for (size_t i = 0; i < octets && 2 + i < der.size(); ++i) length = length << 8 | der[2 + i];
  return 2 + octets + length;
}

std::vector<Room> rooms_of(const Bytes& pdf, const signing::VerificationReport& report) {
  std::vector<Room> rooms;
  for (const auto& s : report.signatures) {
    const auto& br = s.byte_range;
    const auto hex = std::string(pdf.begin() + static_cast<long>(br[1] + 1), pdf.begin() + static_cast<long>(br[2] - 1));
    const auto der = signing::from_hex(hex);
    rooms.push_back({s.field, hex.size() / 2, der ? der_length(*der) : 0});
  }
  return rooms;
}

// The test PKI's timestamp server, but claiming its earlier tokens were tiny: every room made
// from them is too small.
class Understated final : public signing::TimestampSource {
 public:
  core::Result<Bytes> timestamp(const Bytes& digest) override {
    ++requests;
    return real_.timestamp(digest);
  }
  std::optional<size_t> largest_token() const override { return size_t{16}; }
  int requests = 0;

 private:
  signing::HttpTimestampClient real_{world().services->timestamps().url(), std::chrono::seconds(5)};
};

signing::SignatureOptions options_for(const std::string& field, Level level) {
  signing::SignatureOptions options;
  options.field = field;
  options.level = level;
  options.reason = "Accord des partenaires";
  return options;
}

TEST(ContentsRoom, AfterTheFirstTokenEachSignatureReservesRoomForTheCmsItHolds) {
  signing::HttpTimestampClient tsa(world().services->timestamps().url(), std::chrono::seconds(5));
  Bytes pdf = world().annexe_4;
  const std::vector<std::pair<std::string, std::string>> steps = {
      {"pole", "sig_pole"}, {"ecole-ordinaire", "sig_ecole_ordinaire"}, {"responsable", "sig_responsable"}};
  for (const auto& [credential, field] : steps) {
    auto key = signing::load_pkcs12(world().p12(credential), "mot de passe");
    ASSERT_TRUE(key) << key.error().message;
    const Level level = field == "sig_responsable" ? Level::b_lta : Level::b_t;
    auto signed_pdf = signing::sign_pdf(pdf, options_for(field, level), **key, &tsa, world().trust());
    ASSERT_TRUE(signed_pdf) << field << ": " << signed_pdf.error().message;
    pdf = *std::move(signed_pdf);
  }
  auto report = signing::verify_pdf(pdf, world().verify_options());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->valid()) << signing::report_json(*report);
  const auto rooms = rooms_of(pdf, *report);
  ASSERT_EQ(rooms.size(), 4u);  // three signatures and the document timestamp
  // The first knew nothing of the token; the others, and the document timestamp, did.
  EXPECT_EQ(rooms[0].reserved, 16384u);
  for (size_t i = 0; i < rooms.size(); ++i) {
    EXPECT_GT(rooms[i].used, 1000u) << rooms[i].field;
    EXPECT_LE(rooms[i].used, rooms[i].reserved) << rooms[i].field;
    if (i > 0) {
      EXPECT_LT(rooms[i].reserved - rooms[i].used, 2048u) << rooms[i].field << " reserved " << rooms[i].reserved;
    }
  }
  const auto path = write_temp("annexe-4-place-ajustee.pdf", pdf);
  const auto judged = run_pyhanko_judge(path.string(), world().root_pem.string());
  EXPECT_EQ(judged.status, 0) << judged.out << judged.err;
  EXPECT_EQ(count(judged.out, "\"judged_valid\": true"), 4u) << judged.out;
}

TEST(ContentsRoom, ATokenLargerThanTheEarlierOnesIsAskedAgainWithRoomForIt) {
  Understated tsa;
  auto key = signing::load_pkcs12(world().p12("pole"), "mot de passe");
  ASSERT_TRUE(key) << key.error().message;
  auto options = options_for("sig_pole", Level::b_lta);
  options.certify = true;
  auto pdf = signing::sign_pdf(world().annexe_4, options, **key, &tsa, world().trust());
  ASSERT_TRUE(pdf) << pdf.error().message;
  // The signature's token and the document timestamp's, each asked twice.
  EXPECT_EQ(tsa.requests, 4);
  auto report = signing::verify_pdf(*pdf, world().verify_options());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->valid()) << signing::report_json(*report);
  ASSERT_EQ(report->signatures.size(), 2u);
  EXPECT_EQ(report->signatures[0].level, Level::b_lta);
  for (const auto& room : rooms_of(*pdf, *report)) {
    EXPECT_LE(room.used, room.reserved) << room.field;
    EXPECT_LT(room.reserved, 16384u) << room.field;
  }
  const auto path = write_temp("annexe-4-place-agrandie.pdf", *pdf);
  const auto judged = run_pyhanko_judge(path.string(), world().root_pem.string());
  EXPECT_EQ(judged.status, 0) << judged.out << judged.err;
  EXPECT_EQ(count(judged.out, "\"judged_valid\": true"), 2u) << judged.out;
}

TEST(ContentsRoom, AGivenRoomIsKeptEvenWhenTheCmsDoesNotFit) {
  signing::HttpTimestampClient tsa(world().services->timestamps().url(), std::chrono::seconds(5));
  auto key = signing::load_pkcs12(world().p12("pole"), "mot de passe");
  ASSERT_TRUE(key) << key.error().message;
  auto options = options_for("sig_pole", Level::b_t);
  options.reserved_bytes = 1024;
  const auto pdf = signing::sign_pdf(world().annexe_4, options, **key, &tsa, world().trust());
  ASSERT_FALSE(pdf);
  EXPECT_NE(pdf.error().message.find("dépasse la place réservée (1024 octets)"), std::string::npos) << pdf.error().message;
}

}  // namespace
}  // namespace ipt::test
