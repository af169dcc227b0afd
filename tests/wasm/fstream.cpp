// The file streams Catch2 uses, instantiated here because wasm32 libc++ is
// built without them (see CMakeLists.txt: the generated __config_site turns
// the declarations on; wasi-libc supplies the FILE functions underneath).
#include <fstream>

template class std::basic_filebuf<char>;
template class std::basic_ofstream<char>;
template class std::basic_ifstream<char>;
