#pragma once
#include "high/api.hpp"  // refused: low does not link high
