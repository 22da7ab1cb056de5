/* Wine 8 (Debian 12's) has no bcryptprimitives.dll, whose ProcessPrng Rust's standard library
 * calls for random bytes on Windows 10 and later (which all have it). This stand-in, for the
 * wine tests only and never shipped, gives the same bytes source wine does have: RtlGenRandom. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, n)) {
            return FALSE;
        }
        data += n;
        length -= n;
    }
    return TRUE;
}
