/* Stand-in for std::ios_base_library_init(), the one symbol libLibTorchSharp.so takes from
   GLIBCXX_3.4.32 (GCC 13+). Older libstdc++ (Debian 12: 3.4.30) sets up the standard streams
   in its own static initialiser, so the call has nothing left to do. */
void _ZSt21ios_base_library_initv(void) {}
