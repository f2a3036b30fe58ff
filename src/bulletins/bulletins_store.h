// The only code that writes the bulletins table, and the reads that map its rows to the types.
// Every function runs on the caller's session (inside its transaction); database errors throw.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bulletins/bulletins_types.h"
#include "core/paging.h"
#include "db/soci.h"

namespace fazhi::bulletins {

// Sections and narrative as stored (and as the API shows them).
nlohmann::json SectionsToJson(const std::vector<kit::BulletinSection>& sections);
std::vector<kit::BulletinSection> SectionsFromJson(const nlohmann::json& j);
nlohmann::json NarrativeToJson(const Narrative& n);
Narrative NarrativeFromJson(const nlohmann::json& j);

// "2023年第7期".
std::string IssueNo(int year, int seq);

std::int64_t InsertBulletin(soci::session& sql, const Bulletin& b, std::optional<std::int64_t> user_id);
std::optional<Bulletin> LoadBulletin(soci::session& sql, std::int64_t id);
// Bulletins of the bureaus `bureau_ids` (every state) and the published ones of `published_only`,
// newest period first.
Paged<BulletinSummary> ListBulletins(soci::session& sql, const std::vector<std::int64_t>& bureau_ids,
                                     const std::vector<std::int64_t>& published_only, const BulletinFilter& f,
                                     const PageRequest& page);
// The published issue of a bureau, kind and period that is not a correction, if any.
std::optional<BulletinSummary> PublishedIssue(soci::session& sql, std::int64_t bureau_id, const std::string& kind,
                                              const std::string& period);
// The highest issue_seq of a bureau, kind and year (0 when none).
int MaxIssueSeq(soci::session& sql, std::int64_t bureau_id, const std::string& kind, int year);

// Stores the narrative; the bulletin becomes a draft again (an approval covers the text approved).
void SaveNarrative(soci::session& sql, std::int64_t id, const Narrative& n, EpochSeconds at);
void MarkApproved(soci::session& sql, std::int64_t id, std::optional<std::int64_t> user_id, const std::string& name,
                  EpochSeconds at);
void MarkPublished(soci::session& sql, std::int64_t id, std::optional<std::int64_t> user_id, const std::string& name,
                   int year, int seq, EpochSeconds at);

}  // namespace fazhi::bulletins
