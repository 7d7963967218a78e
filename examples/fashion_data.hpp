#pragma once
// What the Fashion-MNIST examples share: loading a split, or saying clearly which file is
// missing and which Debian package provides it.

#include "io/datasets.hpp"

#include <cstdlib>
#include <iostream>
#include <string>

namespace example {

/// The directory of the Fashion-MNIST files: the program's first argument, else the Debian
/// package's /usr/share/datasets/fashion-mnist.
inline std::string fashion_dir(int argc, char** argv) {
    return argc > 1 ? argv[1] : xgrad::io::fashion_mnist_dir;
}

/// `load()` (a io::load_fashion_mnist* call), or a message naming the file and the package,
/// and exit code 1.
template <class Load>
auto load_or_exit(const char* program, const std::string& dir, Load load) {
    try {
        return load();
    } catch (const xgrad::io::FileError& e) {
        std::cerr << program << ": " << e.what() << "\n"
                  << "Fashion-MNIST is read from " << dir
                  << ". Install it with the Debian package dataset-fashion-mnist\n"
                  << "(sudo apt-get install dataset-fashion-mnist), or give the directory "
                     "holding the *-ubyte.gz files as the first argument.\n";
        std::exit(1);
    }
}

} // namespace example
