#pragma once
// What the export writers share: checked output files, numbers as the Python readers parse them,
// the run file's columns and the `.paramnames` file.
#include "run_file.h"

#include <fstream>
#include <string>
#include <vector>

namespace nubayes {

/// Opens `path` for writing; throws naming the file if it cannot.
std::ofstream open_output(const std::string& path);

/// Closes `out`; throws naming the file if anything written did not reach it.
void close_output(std::ofstream& out, const std::string& path);

/// The shortest text that reads back to the same double (so 0.1 stays "0.1"), and non-finite
/// values as numpy's loadtxt (GetDist, anesthetic) reads them.
std::string number(double x);

/// One /nested_sampling column; throws if the run file has none of that name.
const std::vector<double>& column(const RunFileContents& c, const std::string& name);

/// `name  latex` per variable; derived names end with `*` (GetDist's convention, which
/// anesthetic also follows).
void write_paramnames(const RunFileContents& c, const std::string& path);

} // namespace nubayes
