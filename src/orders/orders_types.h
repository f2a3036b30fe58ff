// Plain data of the 督办 loop (supervision orders: 督办 → 整改 → 复查 → 办结). No logic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace fazhi::orders {

// A file attached to a step (整改 evidence).
struct Attachment {
  std::int64_t id = 0;
  std::string filename;
  std::string content_type;
  std::int64_t size = 0;
  std::string sha256;  // lower-case hex of the stored bytes
  std::optional<std::int64_t> uploaded_by;
  EpochSeconds uploaded_at = 0;
};

struct OrderStep {
  std::int64_t id = 0;
  std::string action;  // create, answer, close, return, suspend, resume
  std::string note;
  std::optional<std::int64_t> actor_user_id;
  std::string actor_name;
  EpochSeconds at = 0;
  std::vector<Attachment> attachments;
};

// 督办单 supervision order.
struct Order {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::optional<std::int64_t> case_id;  // the case it concerns, if the source has one
  std::string case_title;
  std::string case_external_id;                       // its 案件编号
  std::optional<std::int64_t> case_legal_officer_id;  // the case's bound 法制员 (sees the order)
  std::int64_t unit_id = 0;                           // whose scope sees it
  std::string unit_name;
  std::string unit_path;
  std::string source;  // a registered source kind: violation, review, manual …
  std::optional<std::int64_t> source_id;
  std::string title;  // the source's 中文 title when issued
  std::string problem_type;
  std::string opinion;                                // 整改意见
  std::optional<std::int64_t> responsible_person_id;  // 责任民警 (people.id)
  std::string responsible_name;
  EpochSeconds deadline = 0;
  std::string status;  // open, answered, closed, returned, suspended
  std::string status_before_suspend;
  std::string suspend_reason;
  std::optional<std::int64_t> created_by;  // users.id of the issuer
  EpochSeconds created_at = 0;
  std::optional<EpochSeconds> answered_at, closed_at;
  EpochSeconds updated_at = 0;
  bool overdue = false;          // deadline passed and not answered (open/returned)
  std::vector<OrderStep> steps;  // filled by the detail only
};

struct NewOrder {
  std::string source = "manual";                      // a registered source kind
  std::optional<std::int64_t> source_id;              // the source's id
  std::optional<std::int64_t> case_id;                // the case, for sources whose id is a case (manual)
  std::string problem_type;                           // defaults from the source
  std::string opinion;                                // 整改意见, required
  std::optional<std::int64_t> responsible_person_id;  // defaults from the source
  EpochSeconds deadline = 0;                          // must be in the future
};

// 批量督办: one order per id with the same 整改意见, deadline and 问题类型 (OrderService::CreateBatch).
inline constexpr std::size_t kMaxBatchOrders = 100;  // ids in one batch
struct NewBatch {
  std::string source = "manual";  // a registered source kind; the ids are case ids when its id is a case
  std::vector<std::int64_t> ids;
  std::string problem_type;  // empty = each source's default
  std::string opinion;       // 整改意见, required
  EpochSeconds deadline = 0;
};
// The outcome for one id of a batch: issued (order_id) or refused (error: why, as Create would say).
struct BatchRow {
  std::int64_t id = 0;
  std::optional<std::int64_t> order_id;
  std::optional<Error> error;
};

struct OrderFilter {
  std::optional<std::string> status;  // one status, or "active" (在办: open, answered, returned)
  std::optional<std::string> source;
  std::optional<std::int64_t> unit_id;    // the unit and its sub-units
  std::optional<std::int64_t> person_id;  // responsible officer
  std::optional<std::int64_t> case_id;
  bool overdue_only = false;
  bool mine = false;  // only orders whose responsible officer is the caller
};

// A file as uploaded (bytes in memory; the route enforces the body limit first).
struct Upload {
  std::string filename;
  std::string content_type;
  std::string bytes;
};

// What the sweep's overdue notices did.
struct OverdueReport {
  int orders = 0;         // orders newly found past their deadline
  int notifications = 0;  // notifications sent about them
};

// 中文 names of an order status (open → 待整改 …) and of a step's act (create → 下发督办, answer →
// 反馈整改 …), as the service's messages and the 督办通知书 write them; the id itself when unknown.
std::string OrderStatusName(std::string_view status);
// The short status name of lists and the XLSX export (answered → 待审核, returned → 已退回).
std::string OrderStatusShortName(std::string_view status);
std::string OrderStepName(std::string_view action);

}  // namespace fazhi::orders
