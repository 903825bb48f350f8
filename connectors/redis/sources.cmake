foreach(script commit citizen_claim list)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${script}_script.cpp)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${CMAKE_CURRENT_LIST_DIR}/${script}.lua -DOUT=${out}
            -DFN=${script}_script -P ${CMAKE_CURRENT_LIST_DIR}/embed_lua.cmake
    DEPENDS ${CMAKE_CURRENT_LIST_DIR}/${script}.lua ${CMAKE_CURRENT_LIST_DIR}/embed_lua.cmake
    COMMENT "Embedding ${script}.lua")
  target_sources(enroll_connectors PRIVATE ${out})
endforeach()
target_sources(enroll_connectors PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/client.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cluster_router.cpp
  ${CMAKE_CURRENT_LIST_DIR}/connect.cpp
  ${CMAKE_CURRENT_LIST_DIR}/read_model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/router.cpp
  ${CMAKE_CURRENT_LIST_DIR}/script.cpp
  ${CMAKE_CURRENT_LIST_DIR}/slot.cpp
  ${CMAKE_CURRENT_LIST_DIR}/slot_map.cpp
  ${CMAKE_CURRENT_LIST_DIR}/store.cpp)
