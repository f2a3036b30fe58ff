#include <gtest/gtest.h>

#include <filesystem>

#include "auth/password.h"
#include "auth/roles.h"
#include "auth/totp.h"
#include "auth/vault.h"

namespace fazhi::auth {
namespace {

TEST(Totp, MatchesRfc6238Vectors) {
  const std::string secret = "12345678901234567890";
  EXPECT_EQ(TotpCode(secret, 59 / 30), "287082");
  EXPECT_EQ(TotpCode(secret, 1111111109 / 30), "081804");
  EXPECT_EQ(TotpCode(secret, 1234567890 / 30), "005924");
}

TEST(Totp, Base32RoundTripAndWindow) {
  const std::string raw = "12345678901234567890";
  const std::string b32 = Base32Encode(raw);
  EXPECT_EQ(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(Base32Decode(b32), raw);
  EXPECT_FALSE(Base32Decode("not base32!"));
  const EpochSeconds now = 1111111109;
  EXPECT_EQ(VerifyTotp(b32, "081804", now), now / 30);
  EXPECT_TRUE(VerifyTotp(b32, TotpCode(raw, now / 30 - 1), now));   // one step of clock skew
  EXPECT_FALSE(VerifyTotp(b32, TotpCode(raw, now / 30 - 3), now));  // too old
  EXPECT_FALSE(VerifyTotp(b32, "12345", now));
}

TEST(Password, PolicyAndArgon2) {
  EXPECT_TRUE(CheckPasswordPolicy("Demo@2026", "sysadmin"));
  EXPECT_FALSE(CheckPasswordPolicy("short1A", "x"));
  EXPECT_FALSE(CheckPasswordPolicy("alllowercase", "x"));
  EXPECT_FALSE(CheckPasswordPolicy("Sysadmin@2026", "Sysadmin"));
  const std::string h = HashPassword("Demo@2026");
  EXPECT_TRUE(h.starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword("Demo@2026", h));
  EXPECT_FALSE(VerifyPassword("Demo@2027", h));
}

TEST(Roles, ThreeAdministratorsAreSeparated) {
  EXPECT_EQ(CheckRoleCombination({"sys_admin"}), "");
  EXPECT_NE(CheckRoleCombination({"sys_admin", "audit_admin"}), "");
  EXPECT_NE(CheckRoleCombination({"sec_admin", "leader"}), "");
  EXPECT_NE(CheckRoleCombination({"nobody"}), "");
  EXPECT_NE(CheckRoleCombination({}), "");
  EXPECT_EQ(CheckRoleCombination({"legal_officer", "case_officer"}), "");
  // No role both administers users and reads the audit trail.
  for (const auto& r : AllRoles())
    EXPECT_FALSE(r.permissions.contains("user.admin") && r.permissions.contains("audit.read")) << r.code;
}

TEST(Vault, EncryptsWithKeyFileAndMasks) {
  const auto dir = std::filesystem::temp_directory_path() / ("fazhi_vault_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string key = (dir / "k.key").string();
  auto v = Vault::Open(key);
  ASSERT_TRUE(v);
  EXPECT_EQ(std::filesystem::file_size(key), 32u);
  EXPECT_EQ(std::filesystem::status(key).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  const std::string sealed = v->Encrypt("140502199001011234");
  EXPECT_EQ(sealed.find("140502"), std::string::npos);
  EXPECT_EQ(v->Decrypt(sealed), "140502199001011234");
  auto v2 = Vault::Open(key);  // same key file → same key
  EXPECT_EQ(v2->Decrypt(sealed), "140502199001011234");
  EXPECT_EQ(v->BlindIndex("a"), v2->BlindIndex("a"));
  auto other = Vault::Open((dir / "other.key").string());
  EXPECT_FALSE(other->Decrypt(sealed));
  std::string tampered = sealed;
  tampered[30] = tampered[30] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(v->Decrypt(tampered));
  EXPECT_EQ(MaskIdNumber("140502199001011234"), "1405**********1234");
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_TRUE(IsValidIdNumber("11010519491231002X"));
  EXPECT_FALSE(IsValidIdNumber("110105194912310021"));
  EXPECT_TRUE(IsValidMobile("13812345678"));
  EXPECT_FALSE(IsValidMobile("12812345678"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fazhi::auth
