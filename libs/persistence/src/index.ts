export { DecimalType } from './decimal.type';
export { serviceOrmConfig, type ServiceOrmOptions } from './orm-config';
