#pragma once
// How plans and deadlines read: French text for a person, JSON for a program.
#include <nlohmann/json.hpp>
#include <string>

#include "ipt/core/deadline.hpp"
#include "ipt/core/dossier.hpp"
#include "ipt/core/plan.hpp"

namespace ipt::app {

std::string plan_text(const core::Dossier& dossier, const core::Plan& plan);
nlohmann::json plan_json(const core::Dossier& dossier, const core::Plan& plan);

// First line: the due date as YYYY-MM-DD; then the skipped days and why.
std::string deadline_text(const core::Deadline& deadline);
nlohmann::json deadline_json(const core::Deadline& deadline);

}  // namespace ipt::app
