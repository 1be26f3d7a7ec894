# CTest fixtures keras.generate_cases and keras.real_models: run a generator (generate.py,
# real_models.py) in the Keras venv, or fail naming the setup.
#   cmake -DPYTHON=... -DGENERATOR=.../generate.py [-DARGS=...] -DOUT=<build>/keras-cases -P run_generator.cmake
if(NOT EXISTS "${PYTHON}")
  message(FATAL_ERROR
    "The Keras venv's python (${PYTHON}) does not exist, so the Keras differential cases cannot be "
    "generated. Set it up with:  bash scripts/keras-venv.sh <build>/keras-venv  (scripts/test.sh does "
    "this), or configure with -DLAYERSCOPE_KERAS_PYTHON=/path/to/python (keras 3.15.1, tensorflow-cpu 2.21.0).")
endif()
# ARGS: arguments before OUT (real_models.py takes the models folder first).
execute_process(COMMAND "${PYTHON}" "${GENERATOR}" ${ARGS} "${OUT}" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${GENERATOR} failed (${status}); if keras cannot be imported, re-run "
                      "bash scripts/keras-venv.sh")
endif()
