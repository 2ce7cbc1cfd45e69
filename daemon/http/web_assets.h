// The duty console's static files (web/: index.html, console.js, console.css), embedded into the
// binary at build time (CMakeLists.txt generates the definition of webAssets()), so the daemon
// serves the page with nothing to install and no files to find at run time.
//
// Immutable data: safe from any thread.
#pragma once

#include <span>
#include <string_view>

namespace casewatch {

struct WebAsset {
  std::string_view name;     // file name under web/, e.g. "console.js"
  std::string_view content;  // the file's bytes
};

// Every file of web/, in file-name order. Defined in the generated embedded_web_assets.cc.
std::span<const WebAsset> webAssets();

// The asset served at an URL path ("/" = index.html); nullptr when there is none.
const WebAsset* findWebAsset(std::string_view url_path);
// Content-Type for a file name by its extension.
std::string_view webContentType(std::string_view name);

}  // namespace casewatch
