#ifndef PERCH_CYAML_SHIM_H
#define PERCH_CYAML_SHIM_H
#include <yaml.h>
#endif
