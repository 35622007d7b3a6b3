/* docnorm.h — the public API of libdocnorm, for the CLI and for plugins. */
#pragma once
#include "dn-convert.h"
#include "dn-document.h"
#include "dn-error.h"
#include "dn-node.h"
#include "dn-ocr.h"
#include "dn-plugin.h"
#include "dn-record.h"
#include "dn-registry.h"
#include "dn-vocab.h"
#include "dn-warning-codes.h"
