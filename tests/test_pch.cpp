// The owner of the test targets' shared precompiled header (tests/CMakeLists.txt,
// enroll_test_pch): gcc builds the PCH for a target with at least one source. Nothing else.
