#pragma once
// The service's bearer token: a file only its owner can read, made with a random token the first
// time the service starts without one.
#include <filesystem>
#include <string>
#include <string_view>

namespace bootlab::service {

// $XDG_CONFIG_HOME/bootlab/service-token, else ~/.config/bootlab/service-token
std::filesystem::path default_token_file();

// Reads the token (its first line); creates the file (mode 0600, 32 random bytes as hex) if it
// does not exist. `created` tells which. Throws bootlab::Error naming the file if it cannot be
// read or made, is empty, or can be read by others than its owner.
std::string load_or_create_token(const std::filesystem::path& file, bool* created = nullptr);

// Compares in time that does not depend on where the strings differ.
bool same_token(std::string_view a, std::string_view b);

} // namespace bootlab::service
