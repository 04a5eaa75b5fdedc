// Read-only memory mapping of an input file (the .zkey is mapped once, never copied) — POSIX only; the
// WebAssembly build receives bytes instead.
#pragma once
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "groth16.hpp"

namespace mp {

struct MappedFile {
  const uint8_t *data = nullptr;
  size_t size = 0;
  dev_t dev = 0;
  ino_t ino = 0;
  struct timespec mtime {};
  std::shared_ptr<void> owner;
};

/** Zkey::dropPages for a mapping made by mapFile: the whole pages inside [from, from + size) */
inline void dropMappedPages(const uint8_t *from, size_t size) {
  const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  const uintptr_t lo = ((uintptr_t)from + page - 1) & ~(page - 1), hi = ((uintptr_t)from + size) & ~(page - 1);
  if (hi > lo) madvise((void *)lo, hi - lo, MADV_DONTNEED);  // a private read-only file mapping: re-read on access
}

inline MappedFile mapFile(const std::string &path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ": cannot open (" + strerror(errno) + ")");
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    throw InputError(path + ": not a regular file");
  }
  MappedFile m;
  m.size = (size_t)st.st_size;
  m.dev = st.st_dev;
  m.ino = st.st_ino;
  m.mtime = st.st_mtim;
  if (m.size == 0) {
    close(fd);
    static const uint8_t empty[1] = {0};
    m.data = empty;
    return m;
  }
  void *p = mmap(nullptr, m.size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) throw InputError(path + ": cannot map (" + strerror(errno) + ")");
  size_t size = m.size;
  m.data = (const uint8_t *)p;
  m.owner = std::shared_ptr<void>(p, [size](void *q) { munmap(q, size); });
  return m;
}

}  // namespace mp
