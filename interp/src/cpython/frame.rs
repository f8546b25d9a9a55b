//! `PyFrameObject` and `PyTryBlock` (Include/frameobject.h, Include/cpython/frameobject.h).

use super::{check_offset, layout, PyCodeObject};
use pyo3_ffi::{PyObject, PyVarObject};
use std::os::raw::{c_char, c_int};

/// One entry of a frame's block stack (`SETUP_*` pushes, `POP_BLOCK` pops).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct PyTryBlock {
    pub b_type: c_int,
    pub b_handler: c_int,
    pub b_level: c_int,
}

/// Size of `f_blockstack` (`CO_MAXBLOCKS`).
pub const CO_MAXBLOCKS: usize = 20;

/// 3.10's `PyFrameState` (`signed char`); replaces `f_executing`.
#[cfg(py310)]
pub type PyFrameState = i8;

/// 3.10 frame states (Include/cpython/frameobject.h).
#[cfg(py310)]
pub mod frame_state {
    pub const CREATED: i8 = -2;
    pub const SUSPENDED: i8 = -1;
    pub const EXECUTING: i8 = 0;
    pub const RETURNED: i8 = 1;
    pub const UNWINDING: i8 = 2;
    pub const RAISED: i8 = 3;
    pub const CLEARED: i8 = 4;
}

#[repr(C)]
pub struct PyFrameObject {
    pub ob_base: PyVarObject,
    pub f_back: *mut PyFrameObject,
    pub f_code: *mut PyCodeObject,
    pub f_builtins: *mut PyObject,
    pub f_globals: *mut PyObject,
    pub f_locals: *mut PyObject,
    pub f_valuestack: *mut *mut PyObject,
    /// ≤3.9: next free value-stack slot while suspended (generators); NULL while executing.
    #[cfg(not(py310))]
    pub f_stacktop: *mut *mut PyObject,
    pub f_trace: *mut PyObject,
    /// 3.10: value-stack depth while suspended (replaces `f_stacktop`).
    #[cfg(py310)]
    pub f_stackdepth: c_int,
    pub f_trace_lines: c_char,
    pub f_trace_opcodes: c_char,
    pub f_gen: *mut PyObject,
    /// Byte offset (≤3.9) or instruction index (3.10) of the last instruction started.
    pub f_lasti: c_int,
    pub f_lineno: c_int,
    pub f_iblock: c_int,
    #[cfg(not(py310))]
    pub f_executing: c_char,
    #[cfg(py310)]
    pub f_state: PyFrameState,
    pub f_blockstack: [PyTryBlock; CO_MAXBLOCKS],
    pub f_localsplus: [*mut PyObject; 1],
}

const _: () = assert!(layout::CO_MAXBLOCKS_VALUE == CO_MAXBLOCKS);
const _: () = assert!(layout::SIZEOF_TRY_BLOCK == std::mem::size_of::<PyTryBlock>());
check_offset!(PyTryBlock, b_type, layout::TRY_BLOCK_B_TYPE);
check_offset!(PyTryBlock, b_handler, layout::TRY_BLOCK_B_HANDLER);
check_offset!(PyTryBlock, b_level, layout::TRY_BLOCK_B_LEVEL);

check_offset!(PyFrameObject, f_back, layout::FRAME_F_BACK);
check_offset!(PyFrameObject, f_code, layout::FRAME_F_CODE);
check_offset!(PyFrameObject, f_builtins, layout::FRAME_F_BUILTINS);
check_offset!(PyFrameObject, f_globals, layout::FRAME_F_GLOBALS);
check_offset!(PyFrameObject, f_locals, layout::FRAME_F_LOCALS);
check_offset!(PyFrameObject, f_valuestack, layout::FRAME_F_VALUESTACK);
#[cfg(not(py310))]
check_offset!(PyFrameObject, f_stacktop, layout::FRAME_F_STACKTOP);
#[cfg(not(py310))]
check_offset!(PyFrameObject, f_executing, layout::FRAME_F_EXECUTING);
#[cfg(py310)]
check_offset!(PyFrameObject, f_stackdepth, layout::FRAME_F_STACKDEPTH);
#[cfg(py310)]
check_offset!(PyFrameObject, f_state, layout::FRAME_F_STATE);
#[cfg(py310)]
const _: () = assert!(layout::SIZEOF_FRAME_STATE == std::mem::size_of::<PyFrameState>());
check_offset!(PyFrameObject, f_trace, layout::FRAME_F_TRACE);
check_offset!(PyFrameObject, f_trace_lines, layout::FRAME_F_TRACE_LINES);
check_offset!(PyFrameObject, f_trace_opcodes, layout::FRAME_F_TRACE_OPCODES);
check_offset!(PyFrameObject, f_gen, layout::FRAME_F_GEN);
check_offset!(PyFrameObject, f_lasti, layout::FRAME_F_LASTI);
check_offset!(PyFrameObject, f_lineno, layout::FRAME_F_LINENO);
check_offset!(PyFrameObject, f_iblock, layout::FRAME_F_IBLOCK);
check_offset!(PyFrameObject, f_blockstack, layout::FRAME_F_BLOCKSTACK);
check_offset!(PyFrameObject, f_localsplus, layout::FRAME_F_LOCALSPLUS);
const _: () = assert!(layout::SIZEOF_FRAME == std::mem::size_of::<PyFrameObject>());
