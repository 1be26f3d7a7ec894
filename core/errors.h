#pragma once
// The engine's error types. Every message is complete and user-facing: it names the layer
// (class and name), the parameter and the arithmetic, so the CLI prints it as one line and the
// GUI shows it on the layer's row without adding anything.

#include <stdexcept>
#include <string>

namespace layerscope {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A layer's parameters are invalid for its input (shape inference) or it cannot run.
// what() is "Class 'name': message".
class LayerError : public Error {
public:
    LayerError(std::string className, std::string layerName, const std::string& message);
    const std::string& className() const { return m_className; }
    const std::string& layerName() const { return m_layerName; }
    // The message without the "Class 'name': " prefix.
    const std::string& detail() const { return m_detail; }

private:
    std::string m_className;
    std::string m_layerName;
    std::string m_detail;
};

// An allocation would exceed the memory budget (a LayerError: it names the layer, shape and bytes).
class MemoryBudgetError : public LayerError {
public:
    using LayerError::LayerError;
};

// A layer would exceed ExecContext::maxMultiplyAdds (names the layer and the arithmetic).
class WorkBudgetError : public LayerError {
public:
    using LayerError::LayerError;
};

// A pipeline file is malformed or names something unsupported.
class PipelineFormatError : public Error {
public:
    using Error::Error;
};

// An input file (.npy, image) is unreadable or malformed.
class InputError : public Error {
public:
    using Error::Error;
};

// The computation was cancelled through its stop token.
class CancelledError : public Error {
public:
    CancelledError() : Error("computation cancelled") {}
};

} // namespace layerscope
