# The CUDA part of the build, included by CMakeLists.txt when nvcc was found. Adds cuda/**/*.cu
# to the addon, links the static CUDA runtime (the addon still loads where no driver exists:
# then tf.cuda.isAvailable() is false), and cuBLAS / cuDNN when found (NF_HAVE_CUBLAS,
# NF_HAVE_CUDNN). Prints one line per piece that is used or left out.

# ---- architectures: must be known before enable_language(CUDA)
if(NOT CMAKE_CUDA_ARCHITECTURES AND NOT DEFINED ENV{CUDAARCHS})
    set(_nf_arch "")
    if(DEFINED ENV{NODEFLOW_CUDA_ARCH} AND NOT "$ENV{NODEFLOW_CUDA_ARCH}" STREQUAL "")
        set(_nf_arch "$ENV{NODEFLOW_CUDA_ARCH}")
        set(_nf_arch_why "from NODEFLOW_CUDA_ARCH")
    else()
        # The visible GPUs' compute capabilities ("9.0" -> 90); none visible: one default.
        execute_process(COMMAND nvidia-smi --query-gpu=compute_cap --format=csv,noheader
            OUTPUT_VARIABLE _nf_caps RESULT_VARIABLE _nf_smi ERROR_QUIET
            OUTPUT_STRIP_TRAILING_WHITESPACE)
        if(_nf_smi EQUAL 0 AND _nf_caps MATCHES "^[0-9]")
            string(REPLACE "." "" _nf_caps "${_nf_caps}")
            string(REPLACE "\n" ";" _nf_caps "${_nf_caps}")
            list(REMOVE_DUPLICATES _nf_caps)
            set(_nf_arch "${_nf_caps}")
            set(_nf_arch_why "the visible GPU")
        else()
            set(_nf_arch 90)
            set(_nf_arch_why "default: no GPU visible; set NODEFLOW_CUDA_ARCH for others")
        endif()
    endif()
    set(CMAKE_CUDA_ARCHITECTURES "${_nf_arch}" CACHE STRING "CUDA architectures to build for")
else()
    set(_nf_arch_why "as given")
endif()

enable_language(CUDA)
set(CMAKE_CUDA_STANDARD 17)
set(CMAKE_CUDA_STANDARD_REQUIRED ON)
find_package(CUDAToolkit)

if(NOT CUDAToolkit_FOUND OR CUDAToolkit_VERSION_MAJOR LESS 12)
    if(NF_WITH_CUDA STREQUAL "ON")
        message(FATAL_ERROR "nodeflow: CUDA ${CUDAToolkit_VERSION} found; 12 or newer is needed")
    endif()
    message(STATUS
        "nodeflow: ✗ CUDA ${CUDAToolkit_VERSION} found but 12 or newer is needed: CPU-only build")
    target_sources(nodeflow PRIVATE ${CMAKE_SOURCE_DIR}/cuda/stub.cpp)
    return()
endif()

file(GLOB_RECURSE NF_CU_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/cuda/*.cu)
target_sources(nodeflow PRIVATE ${NF_CU_SOURCES})
target_include_directories(nodeflow PRIVATE ${CMAKE_SOURCE_DIR})
string(REPLACE ";" "," _nf_arch_list "${CMAKE_CUDA_ARCHITECTURES}")
target_compile_definitions(nodeflow PRIVATE NF_WITH_CUDA
    NF_CUDA_ARCHITECTURES="${_nf_arch_list}")
# The target predates enable_language(CUDA): give it the architectures explicitly.
set_target_properties(nodeflow PROPERTIES CUDA_RUNTIME_LIBRARY Static
    CUDA_ARCHITECTURES "${CMAKE_CUDA_ARCHITECTURES}")
target_link_libraries(nodeflow PRIVATE CUDA::cudart_static)
message(STATUS
    "nodeflow: ✓ CUDA ${CUDAToolkit_VERSION} (architectures ${_nf_arch_list}, ${_nf_arch_why})")

# ---- cuBLAS: the toolkit's, or a separate install (e.g. the nvidia-cublas wheel) in CUBLAS_ROOT
if(NOT CUBLAS_ROOT AND DEFINED ENV{CUBLAS_ROOT})
    set(CUBLAS_ROOT "$ENV{CUBLAS_ROOT}")
endif()
find_path(NF_CUBLAS_INC cublas_v2.h HINTS ${CUBLAS_ROOT}/include ${CUDAToolkit_INCLUDE_DIRS})
find_library(NF_CUBLAS_LIB NAMES cublas libcublas.so.${CUDAToolkit_VERSION_MAJOR}
    HINTS ${CUBLAS_ROOT}/lib ${CUBLAS_ROOT}/lib64 ${CUDAToolkit_LIBRARY_DIR})
if(NF_CUBLAS_INC AND NF_CUBLAS_LIB)
    target_include_directories(nodeflow PRIVATE ${NF_CUBLAS_INC})
    target_link_libraries(nodeflow PRIVATE ${NF_CUBLAS_LIB})
    target_compile_definitions(nodeflow PRIVATE NF_HAVE_CUBLAS)
    message(STATUS "nodeflow: ✓ cuBLAS (${NF_CUBLAS_LIB})")
else()
    message(STATUS "nodeflow: ✗ cuBLAS not found: matmul uses nodeflow's own CUDA GEMM kernel "
        "(set CUBLAS_ROOT to a folder with include/cublas_v2.h and lib/)")
endif()

# ---- cuDNN 8 or 9, in CUDNN_ROOT or the toolkit's folders
if(NOT CUDNN_ROOT AND DEFINED ENV{CUDNN_ROOT})
    set(CUDNN_ROOT "$ENV{CUDNN_ROOT}")
endif()
find_path(NF_CUDNN_INC cudnn_version.h HINTS ${CUDNN_ROOT}/include ${CUDAToolkit_INCLUDE_DIRS})
find_library(NF_CUDNN_LIB NAMES cudnn libcudnn.so.9 libcudnn.so.8
    HINTS ${CUDNN_ROOT}/lib ${CUDNN_ROOT}/lib64 ${CUDAToolkit_LIBRARY_DIR})
set(_nf_cudnn_major 0)
if(NF_CUDNN_INC)
    file(STRINGS ${NF_CUDNN_INC}/cudnn_version.h _nf_cudnn_line REGEX "define CUDNN_MAJOR ")
    string(REGEX MATCH "[0-9]+" _nf_cudnn_major "${_nf_cudnn_line}")
endif()
if(NF_CUDNN_INC AND NF_CUDNN_LIB AND _nf_cudnn_major MATCHES "^(8|9)$")
    target_include_directories(nodeflow PRIVATE ${NF_CUDNN_INC})
    target_link_libraries(nodeflow PRIVATE ${NF_CUDNN_LIB})
    target_compile_definitions(nodeflow PRIVATE NF_HAVE_CUDNN)
    message(STATUS "nodeflow: ✓ cuDNN ${_nf_cudnn_major} (${NF_CUDNN_LIB})")
elseif(NF_CUDNN_INC AND NF_CUDNN_LIB)
    message(STATUS "nodeflow: ✗ cuDNN ${_nf_cudnn_major} found, but only 8 and 9 are supported: "
        "conv/pool/norm use nodeflow's own CUDA kernels")
else()
    message(STATUS "nodeflow: ✗ cuDNN not found: conv/pool/norm use nodeflow's own CUDA kernels "
        "(set CUDNN_ROOT to a folder with include/cudnn.h and lib/)")
endif()
