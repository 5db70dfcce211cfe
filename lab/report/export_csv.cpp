#include "common/escape.h"
#include "report/export.h"

namespace bootlab::report {

void write_csv(std::ostream& out, const model::Boot& boot) {
    out << "seq,kind,function,module,cookie,pid,start_us,duration_us,ret,line\n";
    auto opt = [](const auto& v) { return v ? std::to_string(*v) : std::string(); };
    for (const auto& s : boot.spans) {
        out << s.seq << ',' << to_string(s.kind) << ',' << csv_field(s.function) << ','
            << csv_field(s.module) << ',' << opt(s.cookie) << ',' << s.pid << ',' << s.start
            << ',' << opt(s.duration) << ',' << opt(s.ret) << ',' << s.line << '\n';
    }
}

} // namespace bootlab::report
