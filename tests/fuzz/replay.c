/*
 * replay.c — runs a harness without libFuzzer: each argument is a file (one input) or a
 * directory (every file in it, in name order).  Exit 0 when every input ran; a broken
 * invariant aborts (FUZZ_ASSERT), a sanitizer report fails the process.  `make check`
 * replays tests/fuzz/regress/HARNESS/ and the committed seeds this way.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: %s: cannot open\n", path);
    return 1;
  }
  unsigned char *data = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 4096;
      unsigned char *grown = realloc(data, cap);
      if (!grown) {
        fclose(f);
        free(data);
        return 1;
      }
      data = grown;
    }
    size_t k = fread(data + n, 1, cap - n, f);
    if (k == 0) break;
    n += k;
  }
  fclose(f);
  /* an exact-size copy, so that a read past the input is caught as it is under libFuzzer */
  unsigned char *exact = malloc(n ? n : 1);
  if (!exact) {
    free(data);
    return 1;
  }
  memcpy(exact, data, n);
  free(data);
  fuzz_set_input_name(path);
  if (getenv("REPLAY_VERBOSE")) fprintf(stderr, "replay: %s\n", path);
  LLVMFuzzerTestOneInput(exact, n);
  fuzz_set_input_name(NULL);
  free(exact);
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path, int *count) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "replay: %s: not found\n", path);
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    (*count)++;
    return run_file(path);
  }
  DIR *d = opendir(path);
  if (!d) return 1;
  char **names = NULL;
  size_t n = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.') continue;
    char **grown = realloc(names, (n + 1) * sizeof *names);
    if (!grown) break;
    names = grown;
    names[n] = malloc(strlen(path) + strlen(e->d_name) + 2);
    if (!names[n]) break;
    sprintf(names[n++], "%s/%s", path, e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    rc |= run_path(names[i], count);
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv) {
  int rc = 0, count = 0;
  for (int i = 1; i < argc; i++) rc |= run_path(argv[i], &count);
  if (rc == 0) printf("%s: %d inputs\n", argc > 0 ? argv[0] : "replay", count);
  return rc;
}
