/**
 * QuickBooks `Fault` errors, as the API renders them:
 * `{ "Fault": { "Error": [ { Message, Detail, code, element } ], "type": "ValidationFault" }, "time": … }`.
 * `code` is a string. Texts follow reference/qbo-api.md §7.3; where Intuit's exact text is unknown
 * the Detail says what went wrong in the same style.
 */
export interface FaultError {
  Message: string;
  Detail: string;
  code: string;
  element: string;
}

export type FaultType = 'ValidationFault' | 'SystemFault' | 'AuthenticationFault' | 'AuthorizationFault' | 'SERVICE';

export class QboFault extends Error {
  constructor(
    readonly status: number,
    readonly type: FaultType,
    readonly errors: FaultError[],
  ) {
    super(`${errors[0]?.code ?? ''} ${errors[0]?.Message ?? type}`);
    this.name = 'QboFault';
  }

  get code(): string {
    return this.errors[0]?.code ?? '';
  }

  /** The `Fault` member (without `time`), also used for per-item batch faults. */
  toFaultBody(): { Error: FaultError[]; type: FaultType } {
    return { Error: this.errors, type: this.type };
  }
}

function validation(code: string, message: string, detail: string, element = ''): QboFault {
  return new QboFault(400, 'ValidationFault', [{ Message: message, Detail: detail, code, element }]);
}

const INACTIVE_DETAIL =
  "Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.";

export const Faults = {
  /** 610 for a reference to an inactive name-list object. */
  inactiveReference(element = ''): QboFault {
    return validation('610', 'Object Not Found', `Object Not Found : ${INACTIVE_DETAIL}`, element);
  },

  /** 610 for a deleted (or never existing) object read or linked by Id. */
  objectNotFound(element = ''): QboFault {
    return validation('610', 'Object Not Found', 'Object Not Found : Another user has deleted this transaction.', element);
  },

  /** 2500 for a reference whose Id does not exist in the company. */
  invalidReference(element = ''): QboFault {
    return validation('2500', 'Invalid Reference Id', `Invalid Reference Id : ${INACTIVE_DETAIL}`, element);
  },

  crossCustomerLink(element = ''): QboFault {
    return validation(
      '620',
      'TxnID Cannot Be Linked',
      'TxnID Cannot Be Linked : The transaction you are linking belongs to a different customer.',
      element,
    );
  },

  staleObject(): QboFault {
    return validation(
      '5010',
      'Stale Object Error',
      'Stale Object Error : You and root were working on this at the same time. root finished before you did, so your work was not saved.',
    );
  },

  duplicateName(kind: 'name-list' | 'item' | 'account' | 'term' = 'name-list'): QboFault {
    const who: Record<typeof kind, string> = {
      'name-list': 'Another customer, vendor or employee is already using this name.',
      item: 'Another product or service is already using this name.',
      account: 'Another account is already using this name.',
      term: 'Another term is already using this name.',
    };
    return validation(
      '6240',
      'Duplicate Name Exists Error',
      `The name supplied already exists. : ${who[kind]} Please use a different name.`,
    );
  },

  duplicateDocNumber(docNumber: string, txnType: string, txnId: string): QboFault {
    return validation(
      '6140',
      'Duplicate Document Number Error',
      `Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=${docNumber} is assigned to TxnType=${txnType} with TxnId=${txnId}`,
      'DocNumber',
    );
  },

  periodClosed(): QboFault {
    // "through through" is in Intuit's real text (reference §7.3).
    return validation(
      '6210',
      'Account Period Closed',
      'The account period has closed and the account books cannot be updated through through the QBO Services API. Please use the QBO website to make these changes.',
    );
  },

  business(reason: string, element = ''): QboFault {
    return validation(
      '6000',
      'A business validation error has occurred while processing your request',
      `Business Validation Error: ${reason}`,
      element,
    );
  },

  requiredParam(param: string): QboFault {
    return validation(
      '2020',
      'Required param missing, need to supply the required value for the API',
      `Required parameter ${param} is missing in the request`,
      param,
    );
  },

  invalidProperty(detail: string, element = ''): QboFault {
    return validation('2010', 'Request has invalid or unsupported property', `Property Name:${detail}`, element);
  },

  stringLength(element: string, max: number, supplied: number): QboFault {
    return validation(
      '2050',
      'String length is either shorter or longer than supported by specification',
      `String length specified does not match the supported length. Min:0 Max:${max} supported. Supplied length:${supplied}`,
      element,
    );
  },

  invalidEnumeration(element: string, value: string): QboFault {
    return validation('2170', 'Invalid Enumeration', `Invalid Enumeration : ${value}`, element);
  },

  invalidEmail(value: string): QboFault {
    return validation(
      '2210',
      'Invalid Email Address format',
      `Email Address does not conform to the syntax rules of RFC 822. Supplied value:${value}`,
      'PrimaryEmailAddr',
    );
  },

  amountCalculation(supplied: string): QboFault {
    return validation(
      '6070',
      'Amount calculation incorrect in the request',
      `Amount calculation incorrect in the request : Amount is not equal to Qty * UnitPrice. Supplied value:${supplied}`,
      'Amount',
    );
  },

  noNameProvided(): QboFault {
    return validation('6080', 'No Name Provided', 'No Name Provided : You must specify a name for this customer.');
  },

  discountLineIncomplete(): QboFault {
    return validation('6090', 'Discount Line missing required info', 'Discount Line must have an Amount or a DiscountPercent.');
  },

  accountTypeMissing(): QboFault {
    return validation(
      '6010',
      'Invalid Account.AccountType && Account.SubType',
      'Either an Account.AccountType or an Account.AccountSubType must be specified',
    );
  },

  queryParse(detail: string): QboFault {
    return validation('4000', 'Error parsing query', `QueryParserError: ${detail}`);
  },

  queryValidation(detail: string): QboFault {
    return validation('4001', 'Invalid query', `QueryValidationError: ${detail}`);
  },

  batchTooLarge(max: number, supplied: number): QboFault {
    return validation('1040', 'Batch size exceeds allowed limit', `The batch has ${supplied} items; at most ${max} are allowed.`);
  },

  unsupportedOperation(detail: string): QboFault {
    return validation('500', 'Unsupported Operation', `Operation ${detail} is not supported.`);
  },

  requestIdReused(requestId: string): QboFault {
    return validation('600', 'Duplicate Request ID', `Request ID ${requestId} was already used for a different request.`);
  },

  malformedBody(detail: string): QboFault {
    return validation('2010', 'Request has invalid or unsupported property', `Error parsing request body: ${detail}`);
  },

  throttled(): QboFault {
    return new QboFault(429, 'SERVICE', [
      {
        Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429',
        Detail: 'The request limit was reached.  Try again later',
        code: '3001',
        element: '',
      },
    ]);
  },

  applicationAuthorization(): QboFault {
    return new QboFault(403, 'AuthorizationFault', [
      {
        Message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403',
        Detail: 'The application is not authorized for this company.',
        code: '3100',
        element: '',
      },
    ]);
  },

  system(detail = 'An application error has occurred while processing your request'): QboFault {
    return new QboFault(500, 'SystemFault', [
      { Message: 'An application error has occurred while processing your request', Detail: detail, code: '10000', element: '' },
    ]);
  },
};
