/* For the wine tests (never shipped). `hold-open FILE` opens a file the way a picture viewer or
 * Excel does — others may read it, not replace or delete it —; `hold-open --mutex NAME` holds
 * a named mutex as the running app holds its instance mutex. It prints "open" once it holds it,
 * and holds it until its standard input closes. */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv) {
    HANDLE h;
    if (argc == 3 && wcscmp(argv[1], L"--mutex") == 0) {
        h = CreateMutexW(NULL, TRUE, argv[2]);
        if (h == NULL) {
            fprintf(stderr, "cannot create the mutex: error %lu\n", GetLastError());
            return 1;
        }
    } else if (argc == 2) {
        h = CreateFileW(argv[1], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h == INVALID_HANDLE_VALUE) {
            fprintf(stderr, "cannot open: error %lu\n", GetLastError());
            return 1;
        }
    } else {
        fprintf(stderr, "usage: hold-open FILE | hold-open --mutex NAME\n");
        return 2;
    }
    printf("open\n");
    fflush(stdout);
    char buf[256];
    while (fread(buf, 1, sizeof buf, stdin) > 0) {
    }
    CloseHandle(h);
    return 0;
}
