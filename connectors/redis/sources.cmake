foreach(script commit citizen_claim list park quarantine)
  embed_text(${script}_script enroll::redis connectors/redis/scripts.hpp
             ${CMAKE_CURRENT_LIST_DIR}/${script}.lua)
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
