// The 督办 loop (supervision orders): 督办 (an order on a problem, with 整改意见, 责任民警 and a
// deadline) → 整改 (the responsible officer answers, with attachments) → 复查 (the issuer's side
// checks: closes, returns with a new deadline, suspends or resumes) → 办结. The problem comes from
// a registered OrderSource (order_source.h); the loop, its API and its pages are the same for all.
//
// Who sees an order: callers whose unit subtree holds the order's unit (from the source), and —
// wherever their unit is — its issuer, its responsible officer and the bound 法制员 of its case.
// Who acts: the responsible officer answers (users.person_id); closing, returning, suspending and
// resuming need case.review and the order in scope, issued by the caller, or on a case he is bound
// to. An order the caller may not see is NotFound, like one that does not exist. A transition the
// state machine does not allow is Conflict (invalid_transition) with a 中文 message naming both.
// Every step is a supervision_order_steps row and an audit entry in the same transaction, with its
// notification (notify::Send; the object it opens is the supervision_order).
//
// Thread safety: shared by all request threads. Sources are registered before serving (module
// Init) and only read afterwards.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "files/document.h"
#include "orders/order_source.h"
#include "orders/orders_types.h"

namespace fazhi::orders {

struct Options {
  // Where attachment bytes are stored. Empty = the FAZHI_ATTACHMENT_DIR environment variable, else
  // `attachments` beside the SQLite file (PostgreSQL: ./attachments).
  std::string attachment_dir;
  // Largest single attachment, in bytes (20 MB). Larger → PayloadTooLarge.
  std::int64_t max_attachment_bytes = 20LL * 1000 * 1000;
  // At most this many attachments per answer.
  int max_attachments_per_answer = 10;
};

class OrderService {
 public:
  // `db` and `clock` must outlive the service. Creates the attachment directory (a warning when it
  // cannot).
  OrderService(db::Database& db, const Clock& clock, Options options = {});
  ~OrderService();

  // Adds a source. Conflict when its kind is taken. Not thread-safe: call before serving.
  Result<void> RegisterSource(std::unique_ptr<OrderSource> source);
  // The registered kinds, in registration order.
  std::vector<std::string> SourceKinds() const;
  // The source of `kind`, or nullptr.
  const OrderSource* Source(std::string_view kind) const;

  const Options& options() const { return options_; }
  // The attachment directory actually used.
  const std::string& attachment_dir() const { return attachment_dir_; }

  // Issues an order (case.review) on the problem `order.source`/`source_id` (or, for a source
  // whose id is a case, `case_id`). Defaults come from the source; the deadline must be in the
  // future; one problem has at most one open order (Conflict duplicate_order). NotFound when the
  // source does not show the problem to the caller.
  Result<Order> Create(const auth::Principal& who, const audit::Actor& actor, const NewOrder& order);
  // 批量督办: one order per id of `batch`, each in its own transaction and checked exactly like Create
  // (its scope, its source's one-open-order rule, its 责任民警), with its audit row and notification.
  // Refused before anything is issued: Forbidden without case.review; InvalidArgument for no ids
  // (reason empty_batch), more than kMaxBatchOrders (batch_too_large), an id given twice
  // (duplicate_ids, naming it), an unknown source, a missing 整改意见 or a deadline not in the future.
  // Otherwise one row per id in the request's order — issued with its order id, or refused with the
  // error Create gives for it (an id out of scope reads as one that does not exist); none is skipped.
  Result<std::vector<BatchRow>> CreateBatch(const auth::Principal& who, const audit::Actor& actor,
                                            const NewBatch& batch);
  // The same inside the caller's write transaction, without the case.review check: for a module that
  // raises the problem itself and has checked its own permission (an inspection finding when its
  // task is submitted). Same validation, audit row and notification; an error leaves the caller to
  // roll back.
  Result<Order> IssueIn(soci::session& sql, const auth::Principal& who, const audit::Actor& actor,
                        const NewOrder& order);
  // The issuer's 复查 step, "close" (办结) or "return" (退回, with an optional new deadline), inside
  // the caller's write transaction and without the case.review check: for a source that reviews its
  // own orders (OrderSource::ReviewedBy) and has checked its own permission. NotFound for an unknown
  // order, Conflict when its state does not allow the step; same step row, audit and notification as
  // Close and Return. An error leaves the caller to roll back.
  Result<Order> ReviewIn(soci::session& sql, const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                         std::string_view action, const std::string& note, std::optional<EpochSeconds> new_deadline);
  // One order with its steps and their attachments.
  Result<Order> Get(const auth::Principal& who, std::int64_t id) const;
  // The 督办通知书 of an order the caller may see (order_document.h), signed by the issuer's unit (the
  // order's unit when the issuer is gone). NotFound like Get.
  Result<files::Document> Notice(const auth::Principal& who, std::int64_t id) const;
  Result<Paged<Order>> List(const auth::Principal& who, const OrderFilter& filter, const PageRequest& page) const;
  // The responsible officer's 整改 (text + files; sha256 recorded; PayloadTooLarge over the size cap):
  // open/returned → answered; notifies the issuer.
  Result<Order> Answer(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, const std::string& text,
                       const std::vector<Upload>& files);
  // answered → closed (办结); the source's OnClosed runs in the same transaction. Close and Return
  // answer Conflict (reviewed_by_source) for a source that reviews its own orders (ReviewedBy).
  Result<Order> Close(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, const std::string& note);
  // answered → returned (note required; optional new deadline, in the future); notifies the officer.
  Result<Order> Return(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, const std::string& note,
                       std::optional<EpochSeconds> new_deadline);
  // open/returned/answered → suspended (挂起, reason required).
  Result<Order> Suspend(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                        const std::string& reason);
  // suspended → the status it had before.
  Result<Order> Resume(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, const std::string& note);
  // An attachment's metadata and bytes, if the caller may see its order. NotFound otherwise.
  Result<std::pair<Attachment, std::string>> ReadAttachment(const auth::Principal& who, std::int64_t id) const;

  // The periodic sweep's part (called by the supervision sweep): each order still open or returned
  // after its deadline is notified once per deadline to its responsible officer and its issuer.
  // One transaction.
  Result<OverdueReport> NotifyOverdue();

 private:
  Result<Order> Transition(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                           const std::string& action, const std::string& note, std::optional<EpochSeconds> deadline);
  Result<Order> ApplyTransition(soci::session& sql, const auth::Principal& who, const audit::Actor& actor,
                                const Order& o, const std::string& action, const std::string& note,
                                std::optional<EpochSeconds> deadline);
  Result<Order> Insert(soci::session& sql, const auth::Principal& who, const audit::Actor& actor,
                       const OrderSource& source, std::int64_t source_id, const NewOrder& in, std::string problem,
                       const std::string& opinion);
  // What a notification about `o` names first: its case, or the source's title.
  std::string Subject(const Order& o) const;

  db::Database& db_;
  const Clock& clock_;
  Options options_;
  std::string attachment_dir_;
  std::vector<std::unique_ptr<OrderSource>> sources_;
};

}  // namespace fazhi::orders
