// make_history_db OUT.db RUNS [REAL_LOG]: the benchmarks' database of many boots (history_db.h),
// for scripts (tests/bench/service_bench.sh).
#include "history_db.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: make_history_db OUT.db RUNS [REAL_LOG]\n");
        return 2;
    }
    std::string real;
    if (argc > 3) {
        std::ifstream in(argv[3], std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        real = s.str();
    }
    bootlab::test::build_history_db(argv[1], std::atoi(argv[2]), real);
    return 0;
}
