{
  # Built by native/build.mjs, which copies this file into build/native/addon/ (so that every output stays
  # under build/) and passes the variables below. Sources are relative to the repository root.
  "variables": {
    "repo%": "../../..",
    "mp_libraries%": "",
    "mp_defines%": "",
    "mp_march%": ""
  },
  "targets": [
    {
      "target_name": "meterproof_native",
      "sources": [
        "<(repo)/native/src/addon.cpp",
        "<(repo)/native/src/groth16.cpp",
        "<(repo)/native/src/parallel.cpp",
        "<(repo)/native/src/pairing.cpp"
      ],
      "include_dirs": ["<(repo)/node_modules/node-addon-api"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "<@(mp_defines)"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "<@(mp_march)"],
      "ldflags": ["-pthread", "-Wl,-z,noexecstack"],
      "libraries": ["<@(mp_libraries)"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O3"]
      }
    }
  ]
}
