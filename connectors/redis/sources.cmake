set(commit_cpp ${CMAKE_CURRENT_BINARY_DIR}/commit_script.cpp)
add_custom_command(OUTPUT ${commit_cpp}
  COMMAND ${CMAKE_COMMAND} -DIN=${CMAKE_CURRENT_LIST_DIR}/commit.lua -DOUT=${commit_cpp}
          -P ${CMAKE_CURRENT_LIST_DIR}/embed_lua.cmake
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/commit.lua ${CMAKE_CURRENT_LIST_DIR}/embed_lua.cmake
  COMMENT "Embedding the commit script")
target_sources(enroll_connectors PRIVATE
  ${commit_cpp}
  ${CMAKE_CURRENT_LIST_DIR}/client.cpp
  ${CMAKE_CURRENT_LIST_DIR}/store.cpp)
