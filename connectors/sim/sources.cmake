# The simulators: synthetic population, connector simulators (capture, registry, officer),
# scenarios, the connector runner and the citizen driver.
target_sources(enroll_connectors PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/population.cpp
  ${CMAKE_CURRENT_LIST_DIR}/task_types.cpp
  ${CMAKE_CURRENT_LIST_DIR}/scenario.cpp
  ${CMAKE_CURRENT_LIST_DIR}/responder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/connector_runner.cpp
  ${CMAKE_CURRENT_LIST_DIR}/personas.cpp
  ${CMAKE_CURRENT_LIST_DIR}/channel_mix.cpp
  ${CMAKE_CURRENT_LIST_DIR}/channel_start.cpp
  ${CMAKE_CURRENT_LIST_DIR}/citizen_driver.cpp
  ${PROJECT_SOURCE_DIR}/connectors/capture/capture_simulator.cpp
  ${PROJECT_SOURCE_DIR}/connectors/registry/registry_simulator.cpp
  ${PROJECT_SOURCE_DIR}/connectors/officer/officer_simulator.cpp)
