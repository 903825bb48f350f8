#pragma once
#include "high/api.hpp"          // allowed: user links high
#include "high/impl/detail.hpp"  // refused: private to high
