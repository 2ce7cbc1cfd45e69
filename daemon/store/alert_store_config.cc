#include "daemon/store/alert_store_config.h"

#include <libpq-fe.h>

#include <memory>

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {
namespace {

const EnumTable<StoreKind> kStoreKinds = {
    {"sqlite", StoreKind::kSqlite},
    {"postgresql", StoreKind::kPostgresql},
};

}  // namespace

void decodeConfig(MapReader& r, AlertStoreConfig& c) {
  r.read("kind", c.kind, kStoreKinds);
  if (const ConfigNode* n = r.take("postgresql")) {
    MapReader m(r.decoder(), *n, r.pathOf("postgresql"));
    m.read("conninfo", c.postgresql.conninfo);
    m.read("password_file", c.postgresql.password_file);
  }
}

void validateConfig(ConfigDecoder& d, const std::string& path, const AlertStoreConfig& c) {
  const std::string conninfo_path = childPath(childPath(path, "postgresql"), "conninfo");
  if (c.kind == StoreKind::kPostgresql && c.postgresql.conninfo.empty()) {
    d.invalid(conninfo_path, "must be set when store.kind is postgresql");
  }
  if (c.postgresql.conninfo.empty()) return;
  // libpq's own parser, so that what passes here is what the store will connect with.
  char* err = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(c.postgresql.conninfo.c_str(), &err), &PQconninfoFree);
  if (!options) {
    std::string why = err ? err : "out of memory";
    PQfreemem(err);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    d.invalid(conninfo_path, "not a libpq connection string: " + why);
    return;
  }
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr && *o->val != '\0') {
      // The configuration is printed (check-config --print) and often world-readable.
      d.invalid(conninfo_path,
                "must not hold a password; put it in store.postgresql.password_file (mode 0600)");
    }
  }
}

void writeConfig(ConfigWriter& w, const AlertStoreConfig& c) {
  w.name("kind", enumName(kStoreKinds, c.kind));
  w.beginMap("postgresql");
  w.string("conninfo", c.postgresql.conninfo);
  w.string("password_file", c.postgresql.password_file);
  w.endMap();
}

}  // namespace casewatch
