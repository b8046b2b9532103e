import { Company, EntityRecord } from '../company-store';
import { JsonObject } from '../json/exact-json';
import { Faults } from '../qbo-fault';
import { EntityKind, WriteContext, namedRef, resolveNameRef } from './entity-kind';
import { checkLength, readBoolean, readDate, readDecimal, readRef, readString } from './fields';

const ITEM_TYPES = new Set(['Inventory', 'Service', 'NonInventory', 'Category', 'Group']);

export const ItemKind: EntityKind = {
  name: 'Item',
  creatable: true,
  deletable: false,
  voidable: false,
  writable: new Set([
    'Name', 'Sku', 'Description', 'PurchaseDesc', 'Active', 'SubItem', 'ParentRef', 'Level', 'Type', 'UnitPrice',
    'RatePercent', 'PurchaseCost', 'Taxable', 'SalesTaxIncluded', 'PurchaseTaxIncluded', 'SalesTaxCodeRef',
    'PurchaseTaxCodeRef', 'IncomeAccountRef', 'ExpenseAccountRef', 'AssetAccountRef', 'TrackQtyOnHand',
    'QtyOnHand', 'InvStartDate', 'ReorderPoint', 'ClassRef', 'TaxClassificationRef', 'PrefVendorRef',
    'AbatementRate', 'ReverseChargeRate', 'ServiceType', 'ItemCategoryType', 'UQCDisplayText', 'UQCId',
    'ItemGroupDetail',
  ]),
  readOnly: new Set(['FullyQualifiedName']),

  prepare(ctx: WriteContext, candidate: JsonObject, existing: EntityRecord | undefined): JsonObject {
    const data: JsonObject = { ...candidate };
    delete data['FullyQualifiedName'];
    const name = readString(candidate, 'Name')?.trim();
    if (!name) throw Faults.requiredParam('Name');
    checkLength(name, 'Name', 100);
    checkLength(readString(candidate, 'Sku'), 'Sku', 100);
    checkLength(readString(candidate, 'Description'), 'Description', 4000);
    data['Name'] = name;
    const holder = ctx.company.idForName('Item', name);
    if (holder !== undefined && holder !== existing?.id) throw Faults.duplicateName('item');

    const type = readString(candidate, 'Type') ?? 'Service';
    if (!ITEM_TYPES.has(type)) throw Faults.invalidEnumeration('Type', type);
    const previousType = existing ? readString(existing.data, 'Type') : undefined;
    if (previousType === 'Inventory' && type !== 'Inventory') {
      throw Faults.business('The type of an inventory item cannot be changed.', 'Type');
    }
    data['Type'] = type;

    if (type === 'Service' || type === 'Inventory') {
      const income = readRef(candidate, 'IncomeAccountRef');
      if (!income) throw Faults.requiredParam('IncomeAccountRef');
      resolveNameRef(ctx, 'Account', income, 'IncomeAccountRef');
    }
    if (type === 'Inventory') {
      for (const field of ['ExpenseAccountRef', 'AssetAccountRef'] as const) {
        const id = readRef(candidate, field);
        if (!id) throw Faults.requiredParam(field);
        resolveNameRef(ctx, 'Account', id, field);
      }
      if (!readDate(candidate, 'InvStartDate')) throw Faults.requiredParam('InvStartDate');
      if (readDecimal(candidate, 'QtyOnHand') === undefined) throw Faults.requiredParam('QtyOnHand');
      data['TrackQtyOnHand'] = true;
    } else {
      for (const field of ['IncomeAccountRef', 'ExpenseAccountRef'] as const) {
        const id = readRef(candidate, field);
        if (id) resolveNameRef(ctx, 'Account', id, field);
      }
      data['TrackQtyOnHand'] = readBoolean(candidate, 'TrackQtyOnHand') ?? false;
    }
    for (const field of ['UnitPrice', 'PurchaseCost', 'QtyOnHand'] as const) readDecimal(candidate, field);

    let fullyQualified = name;
    const parentId = readRef(candidate, 'ParentRef');
    if (parentId) {
      const parent = resolveNameRef(ctx, 'Item', parentId, 'ParentRef');
      fullyQualified = `${readString(parent.data, 'FullyQualifiedName')}:${name}`;
      data['SubItem'] = true;
    } else {
      data['SubItem'] = false;
    }
    data['FullyQualifiedName'] = fullyQualified;
    data['Active'] = readBoolean(candidate, 'Active') ?? true;
    data['Taxable'] = readBoolean(candidate, 'Taxable') ?? false;
    return data;
  },

  render(company: Company, record: EntityRecord): JsonObject {
    const out: JsonObject = { ...record.data };
    for (const field of ['IncomeAccountRef', 'ExpenseAccountRef', 'AssetAccountRef'] as const) {
      if (out[field]) out[field] = namedRef(company, out[field], 'Account') as JsonObject;
    }
    if (out['ParentRef']) out['ParentRef'] = namedRef(company, out['ParentRef'], 'Item') as JsonObject;
    return out;
  },
};
