#pragma once
// A dossier's fields built in code, with realistic French values (accents, « », ’, œ), for
// rendering every document without the dossier reader.
#include <filesystem>
#include <string>

#include "ipt/core/dossier_fields.hpp"
#include "ipt/templates/renderer.hpp"
#include "ipt/templates/template_set.hpp"

namespace ipt::templates::testing {

// Every field name core's dossier_fields() produces, each with a value (empty where the
// dossier has none). All procedures' fields are filled so that every document renders.
core::DossierFields fixture_fields();
// The names of fixture_fields(): the field list definitions are checked against.
FieldNames fixture_field_names();

// The definitions of the source tree (templates/definitions), checked against the fixture.
TemplateSet fixture_templates();
const Renderer& fixture_renderer();

// A fixed creation date, so that renderings are reproducible.
RenderOptions fixed_options(int pdfa_part = 2);

}  // namespace ipt::templates::testing
