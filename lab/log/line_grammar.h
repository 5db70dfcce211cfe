#pragma once
// The grammar of one kernel message (the text after the printk timestamp): which boot-timing
// line it is, if any. Pure function, no state: the streaming part lives in LogParser.
#include "log/event.h"

namespace bootlab::log {

enum class Match {
    None,     // an ordinary kernel message
    Event,    // *out holds the event
    Unusable, // looks like an initcall/async line but does not parse: counted, not guessed
};

// `msg` starts at the message (after "[    1.234567] "). Fills out->kind and the fields of
// that kind; time and line are the caller's.
Match parse_message(std::string_view msg, Event* out);

// A return line cut short at its end ("initcall foo+0x0/0x30 returned 0 after", its duration
// lost to a mail client's wrapping): a CallEnd with duration -1, meaning "when it was printed"
// (its timestamp is the span's end). False for anything else.
bool parse_cut_end(std::string_view msg, Event* out);

} // namespace bootlab::log
