file(GLOB_RECURSE schema_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/schemas/*.schema.json)
set(embedded ${CMAKE_CURRENT_BINARY_DIR}/embedded_schemas.cpp)
add_custom_command(OUTPUT ${embedded}
  COMMAND ${CMAKE_COMMAND} -DDIR=${PROJECT_SOURCE_DIR}/schemas -DOUT=${embedded}
          -P ${CMAKE_CURRENT_LIST_DIR}/embed_schemas.cmake
  DEPENDS ${schema_files} ${CMAKE_CURRENT_LIST_DIR}/embed_schemas.cmake
  COMMENT "Embedding JSON schemas")
target_sources(enroll_connectors PRIVATE
  ${embedded}
  ${CMAKE_CURRENT_LIST_DIR}/schema_set.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bounded_json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/known_tasks.cpp
  ${CMAKE_CURRENT_LIST_DIR}/inbound_decoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/outbound_encoder.cpp)
