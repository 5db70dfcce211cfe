#pragma once
// db/schema.sql and db/migrations/*.sql, compiled in (see db/embed_sql.cmake).
#include <string_view>
#include <vector>

namespace bootlab::store {

struct Migration {
    int version;            // NNNN of NNNN_what.sql; PRAGMA user_version after applying it
    std::string_view name;
    std::string_view sql;
};

std::string_view embedded_schema();
const std::vector<Migration>& embedded_migrations();

} // namespace bootlab::store
