// HTTP routes of the 督办 loop — the same for every source (list/read: signed in, visibility as in
// orders_service.h; create and the reviewer's transitions: case.review; answer: the responsible
// officer):
//
//   GET  /api/supervision-orders?status=&source=&unit_id=&person_id=&case_id=&overdue=1&mine=1&page=&sort=
//   POST /api/supervision-orders                      {source, source_id?, case_id?, problem_type?, opinion,
//                                                      responsible_person_id?, deadline}
//   GET  /api/supervision-orders/{id}                 with steps[] and their attachments[]
//   POST /api/supervision-orders/{id}/answer          JSON {text} or multipart: field text + file parts
//   POST /api/supervision-orders/{id}/close|return|suspend|resume   {note} / {note, deadline?} / {reason}
//   GET  /api/attachments/{id}                        download (X-Content-SHA256)
#pragma once

#include <nlohmann/json.hpp>

#include "http/router.h"
#include "orders/orders_service.h"

namespace fazhi::orders {

// `service` must outlive the router.
void RegisterRoutes(http::Router& router, OrderService& service);

// {id, case_id, case_title, unit_id, unit_name, source, source_name, source_id, title, problem_type, opinion,
//  responsible_person_id, responsible_name, deadline, deadline_local, status, suspend_reason, created_by,
//  created_at, answered_at, closed_at, updated_at, overdue, steps[]}
nlohmann::json OrderJson(const Order& o, const OrderService& service);

}  // namespace fazhi::orders
