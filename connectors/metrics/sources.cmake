target_sources(enroll_connectors PRIVATE ${CMAKE_CURRENT_LIST_DIR}/registry.cpp)
