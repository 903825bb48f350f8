#pragma once
#include "high/impl/detail.hpp"  // refused: not linked, and private
