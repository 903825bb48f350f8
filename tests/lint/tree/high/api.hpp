#pragma once
#include "high/impl/detail.hpp"  // allowed: its own impl/
#include "low/base.hpp"          // allowed: high links low
