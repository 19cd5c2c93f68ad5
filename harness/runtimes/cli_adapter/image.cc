#include "harness/runtimes/cli_adapter/image.h"

#include <array>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace nc::runtimes {
namespace {

void octal(char* field, size_t width, uint64_t value) {
  // width-1 digits, NUL-terminated, zero-padded: what every tar reader accepts.
  auto text = fmt::format("{:0{}o}", value, width - 1);
  std::memcpy(field, text.data(), width - 1);
  field[width - 1] = '\0';
}

std::array<char, 512> ustar_header(const std::string& name, uint64_t size) {
  std::array<char, 512> h{};
  std::memcpy(h.data(), name.data(), std::min<size_t>(name.size(), 99));
  octal(h.data() + 100, 8, 0755);  // mode
  octal(h.data() + 108, 8, 0);     // uid
  octal(h.data() + 116, 8, 0);     // gid
  octal(h.data() + 124, 12, size);
  octal(h.data() + 136, 12, 0);    // mtime: fixed, so the archive is reproducible
  h[156] = '0';                    // regular file
  std::memcpy(h.data() + 257, "ustar", 6);
  std::memcpy(h.data() + 263, "00", 2);
  std::memset(h.data() + 148, ' ', 8);  // the checksum counts its own field as spaces
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  auto text = fmt::format("{:06o}", sum);
  std::memcpy(h.data() + 148, text.data(), 6);
  h[154] = '\0';
  h[155] = ' ';
  return h;
}

}  // namespace

Result<void> write_single_file_tar(const std::string& file, const std::string& name_in_tar,
                                   const std::string& tar_path) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return sys_fail(fmt::format("read {}", file));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream out(tar_path, std::ios::binary | std::ios::trunc);
  if (!out) return sys_fail(fmt::format("write {}", tar_path));
  auto h = ustar_header(name_in_tar, data.size());
  out.write(h.data(), h.size());
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  std::string pad((512 - data.size() % 512) % 512 + 1024, '\0');  // to a block, then two zero blocks
  out.write(pad.data(), static_cast<std::streamsize>(pad.size()));
  out.close();
  if (!out) return sys_fail(fmt::format("write {}", tar_path));
  return {};
}

Result<void> import_probe_image(const Cli& cli, const std::string& probe_path, const std::string& work_dir,
                                const std::string& image) {
  std::string tar = work_dir + "/probe-image.tar";
  NC_TRY_VOID_CTX(write_single_file_tar(probe_path, "probe", tar), "build the probe image");
  NC_TRY_VOID_CTX(cli.ok({"import", "--change", "ENTRYPOINT [\"/probe\"]", tar, image}), "import the probe image");
  return {};
}

}  // namespace nc::runtimes
